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
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` blob NOT NULL
);
