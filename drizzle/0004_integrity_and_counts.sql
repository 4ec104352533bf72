ALTER TABLE `broadcasts` ADD `sent` integer;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `failed` integer;--> statement-breakpoint
ALTER TABLE `cases` ADD `integrity` blob;--> statement-breakpoint
ALTER TABLE `invites` ADD `integrity` blob;--> statement-breakpoint
ALTER TABLE `staff` ADD `integrity` blob;