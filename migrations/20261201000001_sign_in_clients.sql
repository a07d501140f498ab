-- Sign-in failures are counted per identity (the user, however their phone or account number
-- was typed), per client (an IPv4 address or IPv6 /64), and per identity from one client.
alter table sign_in_failures add column client text not null default 'unknown';
create index sign_in_failures_by_client on sign_in_failures (client, failed_at);
