-- The 3+3 service model: service areas, managers, customers and who serves whom.
-- Enumerations are text with CHECK constraints so the Rust side parses them once into enums.

create table service_areas (
    id bigint generated always as identity primary key,
    code text not null unique,
    name_zh text not null,
    name_en text not null,
    area_type text not null check (area_type in ('urban', 'township', 'remote'))
);

create table departments (
    id bigint generated always as identity primary key,
    code text not null unique,
    name_zh text not null,
    name_en text not null,
    support_team text not null check (support_team in ('strategy', 'technical', 'service'))
);

create table companies (
    id bigint generated always as identity primary key,
    name text not null unique
);

create table users (
    id bigint generated always as identity primary key,
    role text not null check (role in ('customer', 'large_contact', 'manager', 'department', 'supervisor')),
    display_name text not null,
    -- customers and large-customer contacts sign in by phone, staff by employee number
    phone text unique check (phone ~ '^1[3-9][0-9]{9}$'),
    employee_no text unique check (employee_no ~ '^[A-Z][0-9]{4}$'),
    password_hash text not null,
    company_id bigint references companies,
    department_id bigint references departments,
    created_at timestamptz not null default now(),
    check ((role in ('customer', 'large_contact')) = (phone is not null)),
    check ((role in ('manager', 'department', 'supervisor')) = (employee_no is not null)),
    check ((role = 'large_contact') = (company_id is not null)),
    check ((role = 'department') = (department_id is not null))
);

create table managers (
    id bigint generated always as identity primary key,
    user_id bigint not null unique references users,
    tier text not null check (tier in ('member', 'community', 'area')),
    grade text not null check (grade in ('senior', 'first', 'second', 'trainee')),
    phone text not null check (phone ~ '^1[3-9][0-9]{9}$'),
    hours_from time not null,
    hours_to time not null,
    supervision_phone text not null,
    supervisor_id bigint not null references users,
    unique (id, tier)
);

create table customers (
    id bigint generated always as identity primary key,
    account_no text not null unique check (account_no ~ '^[0-9]{10}$'),
    name text not null,
    phone text not null check (phone ~ '^1[3-9][0-9]{9}$'),
    address text not null,
    area_id bigint not null references service_areas,
    customer_group text not null check (customer_group in ('large', 'urban', 'township')),
    -- a large customer's account is one site of a company
    company_id bigint references companies,
    -- the household that signs in for a residential account
    user_id bigint unique references users,
    created_at timestamptz not null default now(),
    check ((customer_group = 'large') = (company_id is not null)),
    unique (id, customer_group)
);
create index customers_area on customers (area_id);
create index customers_company on customers (company_id) where company_id is not null;

-- Who serves whom, with history. The composite keys carry the customer group and the manager
-- tier into this table so that the tier rule is a plain CHECK: the database refuses a large
-- customer served by a community manager even if the application forgot to ask.
create table manager_assignments (
    id bigint generated always as identity primary key,
    customer_id bigint not null,
    customer_group text not null,
    manager_id bigint not null,
    manager_tier text not null,
    assigned_at timestamptz not null default now(),
    ended_at timestamptz,
    assigned_by bigint references users,
    foreign key (customer_id, customer_group) references customers (id, customer_group) on update cascade,
    foreign key (manager_id, manager_tier) references managers (id, tier) on update cascade,
    check ((customer_group, manager_tier) in (('large', 'member'), ('urban', 'community'), ('township', 'area'))),
    check (ended_at is null or ended_at >= assigned_at)
);
create unique index one_current_manager on manager_assignments (customer_id) where ended_at is null;
create index assignments_current_by_manager on manager_assignments (manager_id) where ended_at is null;

create table sessions (
    -- only a hash of the cookie's token is stored: a leaked table opens no sessions
    token_hash bytea primary key,
    user_id bigint not null references users on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table sign_in_failures (
    id bigint generated always as identity primary key,
    identifier text not null,
    failed_at timestamptz not null default now()
);
create index sign_in_failures_recent on sign_in_failures (identifier, failed_at);
