CREATE TABLE `broadcast_deliveries` (
	`broadcast_id` integer NOT NULL,
	`contact_id` text NOT NULL,
	`seq` integer NOT NULL,
	`messenger` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer DEFAULT 0 NOT NULL,
	`settled_at` integer,
	PRIMARY KEY(`broadcast_id`, `contact_id`),
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `broadcast_deliveries_queue` ON `broadcast_deliveries` (`broadcast_id`,`messenger`,`state`,`seq`);--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`admin_id` text,
	`progress_message_id` integer,
	`texts` text NOT NULL,
	`fallback` text NOT NULL,
	`target` text NOT NULL,
	`total` integer NOT NULL,
	`ambiguous` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`contact_id` text PRIMARY KEY NOT NULL,
	`places` blob NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
