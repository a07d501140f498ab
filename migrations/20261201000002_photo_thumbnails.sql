-- Photos are stored re-encoded (metadata dropped) with a small thumbnail for the ticket page.
-- Photos stored before this keep no thumbnail: they are served whole in its place.
alter table ticket_photos add column thumbnail bytea;
