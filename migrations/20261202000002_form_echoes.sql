-- The plain form a browser without JavaScript sent last, kept for the one page it is sent
-- back to: what was typed into a refused form (never a password), or that the form went
-- through. Keyed by the SHA-256 of a random token in the browser's `portal_form` cookie, so it
-- works before sign-in too. Read once and removed; a sweep removes any left after minutes.
create table form_echoes (
    token_hash bytea primary key,
    form text not null,
    saved_at timestamptz not null default now()
);
