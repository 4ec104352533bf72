CREATE TABLE `signal_inbox` (
	`key` blob PRIMARY KEY NOT NULL,
	`envelope` blob,
	`received_at` integer NOT NULL,
	`handled_at` integer
);
--> statement-breakpoint
CREATE INDEX `signal_inbox_handled` ON `signal_inbox` (`handled_at`);