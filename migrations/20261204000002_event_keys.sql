-- A message or note carries the one-time key of the form that sent it, so a retried send (a
-- double tap, a resend after a lost answer) records it once.
alter table case_events add column submission_key uuid unique;
