-- What someone typed into a fault report the server refused. A form posted without JavaScript
-- is sent back with the messages only, so the report page fills itself in from here. One per
-- user: the next refusal replaces it and a report that goes through removes it; readers ignore
-- one older than an hour.
create table report_drafts (
    user_id bigint primary key references users on delete cascade,
    account_no text not null,
    category text not null,
    description text not null,
    address text not null,
    contact_phone text not null,
    saved_at timestamptz not null default now()
);
