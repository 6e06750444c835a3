-- The durable registry: connections, their encrypted secrets, grants and API keys.
-- Secrets are stored only as ciphertext (kid:base64(nonce|ct|tag)); API keys only as SHA-256 hashes.

create table connections (
    id                      varchar(63)   primary key,
    display_name            varchar(200),
    org_url                 varchar(2048) not null,
    auth_type               varchar(32)   not null
        check (auth_type in ('client_credentials', 'authorization_code', 'static_token')),
    tenant_id               varchar(254),
    client_id               varchar(128),
    scopes                  varchar(8192),
    token_url               varchar(2048),
    authorize_url           varchar(2048),
    static_token_expires_at timestamptz,
    created_at              timestamptz   not null,
    updated_at              timestamptz   not null
);

create table connection_secrets (
    connection_id varchar(63) not null references connections (id) on delete cascade,
    field         varchar(32) not null
        check (field in ('client_secret', 'static_token', 'refresh_token')),
    ciphertext    text        not null,
    version       bigint      not null default 0,
    updated_at    timestamptz not null,
    primary key (connection_id, field)
);

create table grants (
    connection_id varchar(63)  not null references connections (id) on delete cascade,
    principal     varchar(256) not null,
    access        varchar(8)   not null check (access in ('read', 'write', 'full')),
    entity_sets   varchar(8192),
    impersonation boolean      not null default false,
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null,
    primary key (connection_id, principal)
);

create index grants_by_principal on grants (principal);

create table api_keys (
    id         varchar(40)  primary key,
    principal  varchar(256) not null,
    roles      varchar(64)  not null,
    key_hash   varchar(64)  not null unique,
    created_at timestamptz  not null,
    revoked_at timestamptz
);
