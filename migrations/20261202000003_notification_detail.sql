-- What happened, written with the notification (a repair step with its crew and the time it
-- is due by), so it says what was true then instead of "your report has new progress".
alter table notifications add column detail jsonb;
