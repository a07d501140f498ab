-- Suggestions (建议): from any customer, or from anyone through the public site with a phone to
-- answer on. Answered within 2 working days (seed 002's suggestion box); an answer that
-- concerns many people can be published under a title the supervisor writes, with no
-- personal data.
create table suggestions (
    id bigint generated always as identity primary key,
    -- what the sender quotes; random, so it tells nothing about volumes
    number text not null unique check (number ~ '^[2-9A-HJ-KM-NP-Z]{8}$'),
    -- the signed-in sender, or none for someone without an account (then a phone is needed)
    user_id bigint references users,
    name text check (length(name) between 1 and 50),
    phone text check (phone ~ '^1[3-9][0-9]{9}$'),
    body text not null check (length(body) between 1 and 2000),
    sent_at timestamptz not null default now(),
    due_at timestamptz not null,
    at_risk_at timestamptz not null,
    -- the sending client as sign-in throttling counts clients (an address, or an IPv6 /64), so
    -- the public form can be limited per client
    client_key text not null,
    submission_key uuid not null unique,
    reply text check (length(reply) between 1 and 2000),
    replied_at timestamptz,
    replied_by bigint references users,
    -- published with its answer on the public page, under this title
    public_title text check (length(public_title) between 1 and 100),
    check (user_id is not null or phone is not null),
    check ((reply is null) = (replied_at is null) and (reply is null) = (replied_by is null)),
    check (public_title is null or reply is not null),
    check (at_risk_at <= due_at)
);
create index suggestions_waiting on suggestions (due_at) where reply is null;
create index suggestions_by_user on suggestions (user_id, sent_at desc) where user_id is not null;
create index suggestions_by_client on suggestions (client_key, sent_at desc);
create index suggestions_public on suggestions (replied_at desc) where public_title is not null;
