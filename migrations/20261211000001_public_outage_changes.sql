-- Every server process keeps the public outage look-up rendered for visitors who are not
-- signed in (server::lookup_cache, #12): the page everyone is sent to in a storm. Whatever
-- that page shows comes from these four tables, so any change to them tells every process,
-- on the channel `public_outages_changed`, to render it afresh. One notice per statement, and
-- PostgreSQL sends it only when the transaction commits.
create function announce_public_outage_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('public_outages_changed', '');
  return null;
end $$;

create trigger public_outage_change after insert or update or delete or truncate on outages
  for each statement execute function announce_public_outage_change();
create trigger public_outage_change after insert or update or delete or truncate on outage_areas
  for each statement execute function announce_public_outage_change();
create trigger public_outage_change after insert or update or delete or truncate on service_areas
  for each statement execute function announce_public_outage_change();
create trigger public_outage_change after insert or update or delete or truncate on area_places
  for each statement execute function announce_public_outage_change();
