"""Table definitions, one list of statements per schema version (see migrations.py).

Times are epoch milliseconds (BIGINT). JSON columns hold msgspec-encoded text.
"""
from __future__ import annotations

V1: list[str] = [
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "INSERT INTO meta VALUES ('applied_seq', '0')",
    """CREATE TABLE users (
        username VARCHAR PRIMARY KEY,
        display_name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        password_hash VARCHAR,
        team VARCHAR NOT NULL DEFAULT '',
        languages JSON NOT NULL DEFAULT '[]',
        disabled BOOLEAN NOT NULL DEFAULT false,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
    )""",
    """CREATE TABLE skills (
        skill VARCHAR PRIMARY KEY,
        name_en VARCHAR NOT NULL,
        name_zh VARCHAR NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE agent_skills (
        username VARCHAR NOT NULL,
        skill VARCHAR NOT NULL,
        proficiency INTEGER NOT NULL,
        PRIMARY KEY (username, skill)
    )""",
    """CREATE TABLE queues (
        queue VARCHAR PRIMARY KEY,
        name_en VARCHAR NOT NULL,
        name_zh VARCHAR NOT NULL DEFAULT '',
        skills JSON NOT NULL DEFAULT '{}',
        config JSON NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE reason_codes (
        code VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        label_en VARCHAR NOT NULL,
        label_zh VARCHAR NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE sessions (
        session_id VARCHAR PRIMARY KEY,
        token_hash VARCHAR NOT NULL UNIQUE,
        username VARCHAR NOT NULL,
        client_id VARCHAR NOT NULL,
        client_key VARCHAR NOT NULL DEFAULT '',
        sip_contact VARCHAR NOT NULL DEFAULT '',
        opened_ms BIGINT NOT NULL,
        closed_ms BIGINT,
        close_reason VARCHAR
    )""",
    # "by" is an SQL keyword, hence the quotes wherever it is used.
    """CREATE TABLE agent_state (
        username VARCHAR PRIMARY KEY,
        state VARCHAR NOT NULL,
        reason VARCHAR NOT NULL DEFAULT '',
        since_ms BIGINT NOT NULL,
        "by" VARCHAR NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE login_failures (
        ts_ms BIGINT NOT NULL,
        username VARCHAR NOT NULL,
        client_key VARCHAR NOT NULL DEFAULT '',
        reason VARCHAR NOT NULL
    )""",
    # customers .. messages: used by later features (interactions, channels); no projections yet.
    """CREATE TABLE customers (
        customer_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL DEFAULT '',
        tier VARCHAR NOT NULL DEFAULT '',
        tags JSON NOT NULL DEFAULT '[]',
        notes VARCHAR NOT NULL DEFAULT '',
        attributes JSON NOT NULL DEFAULT '{}',
        created_ms BIGINT NOT NULL,
        merged_into VARCHAR
    )""",
    """CREATE TABLE identities (
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        PRIMARY KEY (kind, value)
    )""",
    """CREATE TABLE interactions (
        interaction_id VARCHAR PRIMARY KEY,
        customer_id VARCHAR,
        channel VARCHAR NOT NULL,
        queue VARCHAR,
        state VARCHAR NOT NULL,
        created_ms BIGINT NOT NULL,
        closed_ms BIGINT,
        agent VARCHAR,
        disposition VARCHAR,
        data JSON NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE messages (
        message_id VARCHAR PRIMARY KEY,
        interaction_id VARCHAR NOT NULL,
        seq BIGINT NOT NULL,
        direction VARCHAR NOT NULL,
        author VARCHAR NOT NULL DEFAULT '',
        body VARCHAR NOT NULL DEFAULT '',
        ts_ms BIGINT NOT NULL,
        data JSON NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE events (
        seq BIGINT PRIMARY KEY,
        ts_ms BIGINT NOT NULL,
        kind VARCHAR NOT NULL,
        subject VARCHAR NOT NULL DEFAULT '',
        data JSON NOT NULL
    )""",
]

# V2: interactions, customers and their history (the V1 placeholders had no projections and
# therefore no rows, so they are replaced rather than altered).
V2: list[str] = [
    "DROP TABLE customers",
    "DROP TABLE identities",
    "DROP TABLE interactions",
    "DROP TABLE messages",
    """CREATE TABLE customers (
        customer_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL DEFAULT '',
        tier VARCHAR NOT NULL DEFAULT '',
        vip BOOLEAN NOT NULL DEFAULT false,
        tags JSON NOT NULL DEFAULT '[]',
        notes VARCHAR NOT NULL DEFAULT '',
        attributes JSON NOT NULL DEFAULT '{}',
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL,
        merged_into VARCHAR NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE identities (
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        created_ms BIGINT NOT NULL,
        PRIMARY KEY (kind, value)
    )""",
    "CREATE INDEX identities_customer ON identities (customer_id)",
    """CREATE TABLE customer_audit (
        ts_ms BIGINT NOT NULL,
        customer_id VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        actor VARCHAR NOT NULL DEFAULT '',
        details JSON NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE interactions (
        interaction_id VARCHAR PRIMARY KEY,
        customer_id VARCHAR NOT NULL DEFAULT '',
        channel VARCHAR NOT NULL,
        queue VARCHAR NOT NULL DEFAULT '',
        state VARCHAR NOT NULL,
        subject VARCHAR NOT NULL DEFAULT '',
        created_ms BIGINT NOT NULL,
        connected_ms BIGINT NOT NULL DEFAULT 0,
        closed_ms BIGINT NOT NULL DEFAULT 0,
        agent VARCHAR NOT NULL DEFAULT '',
        disposition VARCHAR NOT NULL DEFAULT '',
        notes VARCHAR NOT NULL DEFAULT '',
        follow_up BOOLEAN NOT NULL DEFAULT false,
        rating INTEGER NOT NULL DEFAULT 0,
        rating_comment VARCHAR NOT NULL DEFAULT '',
        summary VARCHAR NOT NULL DEFAULT '',
        message_count INTEGER NOT NULL DEFAULT 0,
        identities JSON NOT NULL DEFAULT '[]',
        attributes JSON NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX interactions_customer ON interactions (customer_id)",
    """CREATE TABLE messages (
        interaction_id VARCHAR NOT NULL,
        seq BIGINT NOT NULL,
        message_id VARCHAR NOT NULL,
        ts_ms BIGINT NOT NULL,
        author_kind VARCHAR NOT NULL,
        author VARCHAR NOT NULL DEFAULT '',
        author_name VARCHAR NOT NULL DEFAULT '',
        body VARCHAR NOT NULL DEFAULT '',
        body_indexed VARCHAR NOT NULL DEFAULT '',
        private BOOLEAN NOT NULL DEFAULT false,
        client_msg_id VARCHAR NOT NULL DEFAULT '',
        attachments JSON NOT NULL DEFAULT '[]',
        PRIMARY KEY (interaction_id, seq)
    )""",
    """CREATE TABLE read_marks (
        interaction_id VARCHAR NOT NULL,
        reader VARCHAR NOT NULL,
        seq BIGINT NOT NULL,
        PRIMARY KEY (interaction_id, reader)
    )""",
    """CREATE TABLE participants (
        interaction_id VARCHAR NOT NULL,
        username VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        joined_ms BIGINT NOT NULL,
        left_ms BIGINT NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE attachments (
        attachment_id VARCHAR PRIMARY KEY,
        interaction_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        content_type VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        sha256 VARCHAR NOT NULL,
        ts_ms BIGINT NOT NULL,
        actor VARCHAR NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE canned_responses (
        canned_id VARCHAR PRIMARY KEY,
        shortcut VARCHAR NOT NULL,
        title VARCHAR NOT NULL DEFAULT '',
        body VARCHAR NOT NULL,
        scope VARCHAR NOT NULL,
        owner VARCHAR NOT NULL DEFAULT '',
        language VARCHAR NOT NULL DEFAULT '',
        updated_ms BIGINT NOT NULL,
        deleted BOOLEAN NOT NULL DEFAULT false
    )""",
]

# V3: delivery of agent messages on cloud channels (the outbox's state lives on the message).
# DuckDB cannot add a column with a NOT NULL constraint; readers COALESCE instead.
V3: list[str] = [
    "ALTER TABLE messages ADD COLUMN delivery VARCHAR DEFAULT ''",
    "ALTER TABLE messages ADD COLUMN delivery_error VARCHAR DEFAULT ''",
    "ALTER TABLE messages ADD COLUMN provider_id VARCHAR DEFAULT ''",
    "ALTER TABLE messages ADD COLUMN attempts INTEGER DEFAULT 0",
]

# V4: form and flow designs (drafts, immutable revisions, aliases, bindings), flow executions with
# their step traces, submitted screen-pop forms and work orders created by flows.
V4: list[str] = [
    """CREATE TABLE designs (
        design_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        channel VARCHAR NOT NULL DEFAULT '',
        draft_version INTEGER NOT NULL,
        draft_doc JSON NOT NULL,
        draft_hash VARCHAR NOT NULL,
        updated_ms BIGINT NOT NULL,
        updated_by VARCHAR NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE design_revisions (
        design_id VARCHAR NOT NULL,
        number INTEGER NOT NULL,
        doc JSON NOT NULL,
        content_hash VARCHAR NOT NULL,
        message VARCHAR NOT NULL DEFAULT '',
        actor VARCHAR NOT NULL DEFAULT '',
        ts_ms BIGINT NOT NULL,
        PRIMARY KEY (design_id, number)
    )""",
    """CREATE TABLE design_aliases (
        design_id VARCHAR NOT NULL,
        alias VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        ts_ms BIGINT NOT NULL,
        actor VARCHAR NOT NULL DEFAULT '',
        PRIMARY KEY (design_id, alias)
    )""",
    """CREATE TABLE design_bindings (
        entry_kind VARCHAR NOT NULL,
        entry_key VARCHAR NOT NULL,
        design_id VARCHAR NOT NULL,
        ts_ms BIGINT NOT NULL,
        actor VARCHAR NOT NULL DEFAULT '',
        PRIMARY KEY (entry_kind, entry_key)
    )""",
    """CREATE TABLE flow_executions (
        execution_id VARCHAR PRIMARY KEY,
        design_id VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        interaction_id VARCHAR NOT NULL DEFAULT '',
        channel VARCHAR NOT NULL DEFAULT '',
        started_ms BIGINT NOT NULL,
        ended_ms BIGINT NOT NULL DEFAULT 0,
        outcome VARCHAR NOT NULL DEFAULT 'running',
        error VARCHAR NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX flow_executions_interaction ON flow_executions (interaction_id)",
    """CREATE TABLE flow_steps (
        execution_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        node_id VARCHAR NOT NULL,
        node_type VARCHAR NOT NULL,
        ts_ms BIGINT NOT NULL,
        exit VARCHAR NOT NULL DEFAULT '',
        input VARCHAR NOT NULL DEFAULT '',
        output VARCHAR NOT NULL DEFAULT '',
        vars_changed JSON NOT NULL DEFAULT '{}',
        error VARCHAR NOT NULL DEFAULT '',
        PRIMARY KEY (execution_id, seq)
    )""",
    """CREATE TABLE form_submissions (
        submission_id VARCHAR PRIMARY KEY,
        interaction_id VARCHAR NOT NULL,
        design_id VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        form_values JSON NOT NULL,
        actor VARCHAR NOT NULL DEFAULT '',
        ts_ms BIGINT NOT NULL
    )""",
    "CREATE INDEX form_submissions_interaction ON form_submissions (interaction_id)",
    """CREATE TABLE work_orders (
        order_id VARCHAR PRIMARY KEY,
        interaction_id VARCHAR NOT NULL DEFAULT '',
        execution_id VARCHAR NOT NULL DEFAULT '',
        queue VARCHAR NOT NULL,
        subject VARCHAR NOT NULL DEFAULT '',
        fields JSON NOT NULL DEFAULT '{}',
        task_id VARCHAR NOT NULL DEFAULT '',
        created_ms BIGINT NOT NULL
    )""",
]
