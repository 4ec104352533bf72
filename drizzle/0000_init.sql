CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`ref` text NOT NULL,
	`contact_id` text NOT NULL,
	`summary` blob NOT NULL,
	`status` text NOT NULL,
	`urgent` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	`expires_at` integer,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_ref_unique` ON `cases` (`ref`);--> statement-breakpoint
CREATE INDEX `cases_contact` ON `cases` (`contact_id`);--> statement-breakpoint
CREATE INDEX `cases_status` ON `cases` (`status`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`lookup` blob NOT NULL,
	`wrapped_key` blob NOT NULL,
	`profile` blob NOT NULL,
	`consent_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_lookup_unique` ON `contacts` (`lookup`);--> statement-breakpoint
CREATE INDEX `contacts_expires_at` ON `contacts` (`expires_at`);--> statement-breakpoint
CREATE TABLE `intake_drafts` (
	`contact_id` text PRIMARY KEY NOT NULL,
	`draft` blob NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`lookup` blob PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`value` blob NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_contact` ON `sessions` (`contact_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_at` ON `sessions` (`expires_at`);