CREATE TABLE `signal_held` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payload` blob NOT NULL,
	`held_at` integer NOT NULL
);
