/// The store's tables in PostgreSQL, as numbered migrations: a newer Hearth appends one, never
/// edits one. Plain PostgreSQL 15, nothing from an extension.
///
/// Messages and points are partitioned by day on their time (seconds since 1970), so retention
/// drops whole partitions; each partition has the indexes the reads need: per topic (or series)
/// and time, and a BRIN on time for a replay. Topics, series and aggregates are small and stay whole.
enum PostgresSchema {
    /// Each migration: its statements, run in order in one transaction.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE broker (id serial PRIMARY KEY, name text NOT NULL UNIQUE)
            """,
            """
            CREATE TABLE topic (id bigserial PRIMARY KEY, broker integer NOT NULL REFERENCES broker (id), name text NOT NULL,
                                UNIQUE (broker, name))
            """,
            """
            CREATE SEQUENCE message_block
            """,
            """
            CREATE TABLE message (
              topic bigint NOT NULL, time double precision NOT NULL, id bigint NOT NULL,
              payload bytea NOT NULL, size integer NOT NULL, qos smallint NOT NULL, retain boolean NOT NULL,
              value double precision, properties bytea
            ) PARTITION BY RANGE (time)
            """,
            """
            CREATE INDEX message_by_topic_time ON message (topic, time)
            """,
            // A replay reads a span in time order: BRIN is a few pages per partition.
            """
            CREATE INDEX message_by_time ON message USING brin (time)
            """,
            """
            CREATE TABLE series (id bigserial PRIMARY KEY, topic bigint NOT NULL REFERENCES topic (id), path text NOT NULL,
                                 UNIQUE (topic, path))
            """,
            """
            CREATE TABLE point (series bigint NOT NULL, time double precision NOT NULL, value double precision NOT NULL)
              PARTITION BY RANGE (time)
            """,
            """
            CREATE INDEX point_by_series_time ON point (series, time)
            """,
            """
            CREATE TABLE minute (series bigint NOT NULL, minute bigint NOT NULL, min double precision NOT NULL,
                                 max double precision NOT NULL, sum double precision NOT NULL, count bigint NOT NULL,
                                 PRIMARY KEY (series, minute))
            """,
            """
            CREATE TABLE setting (name text PRIMARY KEY, value double precision NOT NULL)
            """,
        ],
    ]

    /// Message ids come in blocks of this many, one block a batch (`message_block`): a row's id
    /// is its block's first plus its place in the batch, so ids follow arrival order.
    static let idBlock: Int64 = 100_000

    /// Taken around migrations and partition changes, so recorders starting together do not race.
    static let lockKey = 0x4865_6172_7468
    /// With a broker's id, the advisory lock its one writer holds (the two-key form).
    static let writerLockKey: Int32 = 0x4866
}
