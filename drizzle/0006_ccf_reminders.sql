CREATE TABLE `ccf_reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` text NOT NULL,
	`filing` blob NOT NULL,
	`stage` text NOT NULL,
	`due_day` text NOT NULL,
	`sending` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ccf_reminders_due` ON `ccf_reminders` (`due_day`);--> statement-breakpoint
CREATE INDEX `ccf_reminders_contact` ON `ccf_reminders` (`contact_id`);