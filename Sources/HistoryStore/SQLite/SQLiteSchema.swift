import GRDB

/// The store's tables, as versioned migrations: a newer Hearth adds migrations, never edits one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "topic") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique()
            }
            // Every message: its payload capped (the true size kept), QoS, retain and v5 properties.
            try db.create(table: "message") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("topic", .integer).notNull().references("topic")
                table.column("time", .double).notNull()
                table.column("payload", .blob).notNull()
                table.column("size", .integer).notNull()
                table.column("qos", .integer).notNull()
                table.column("retain", .boolean).notNull()
                table.column("properties", .blob)
            }
            try db.create(index: "message_by_topic_time", on: "message", columns: ["topic", "time"])
            try db.create(index: "message_by_time", on: "message", columns: ["time"])
            // Each (topic, JSON path) with numbers: raw points, and per-minute min/sum/max/count.
            try db.create(table: "series") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("topic", .integer).notNull().references("topic")
                table.column("path", .text).notNull()
                table.uniqueKey(["topic", "path"])
            }
            try db.create(table: "point") { table in
                table.column("series", .integer).notNull().references("series")
                table.column("time", .double).notNull()
                table.column("value", .double).notNull()
            }
            try db.create(index: "point_by_series_time", on: "point", columns: ["series", "time"])
            try db.create(table: "minute") { table in
                table.column("series", .integer).notNull().references("series")
                table.column("minute", .integer).notNull()
                table.column("min", .double).notNull()
                table.column("max", .double).notNull()
                table.column("sum", .double).notNull()
                table.column("count", .integer).notNull()
                table.primaryKey(["series", "minute"])
            }
        }
        // A payload that reads as one number ("21.5", "21.5 °C") keeps its value in its message
        // row: the series at path "", one row per reading rather than a message and a point.
        // Rows are appended in time order, so retention deletes from the lowest ids and needs no
        // index on time. And the store keeps the settings its writers share (retention).
        migrator.registerMigration("v2") { db in
            try db.alter(table: "message") { table in table.add(column: "value", .double) }
            try db.execute(sql: """
                UPDATE message SET value = (
                  SELECT point.value FROM point JOIN series ON series.id = point.series
                  WHERE series.topic = message.topic AND series.path = '' AND point.time = message.time LIMIT 1)
                WHERE EXISTS (SELECT 1 FROM series WHERE series.topic = message.topic AND series.path = '');
                DELETE FROM point WHERE series IN (SELECT id FROM series WHERE path = '');
                DROP INDEX message_by_time;
                """)
            try db.create(table: "setting") { table in
                table.primaryKey("name", .text)
                table.column("value", .double).notNull()
            }
        }
        // Several brokers in one store: each topic belongs to a broker, named once in its own
        // table. The topics of a store written before are kept under the broker "" (no name),
        // which its next recorder names (`SQLiteStore.brokerID`). The topic table is rebuilt, since its
        // name alone was unique; its ids stay, so messages and series keep pointing at them.
        migrator.registerMigration("v3") { db in
            try db.create(table: "broker") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique()
            }
            try db.execute(sql: """
                INSERT INTO broker (name) SELECT '' WHERE EXISTS (SELECT 1 FROM topic);
                CREATE TABLE new_topic (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  broker INTEGER NOT NULL REFERENCES broker(id),
                  name TEXT NOT NULL,
                  UNIQUE (broker, name));
                INSERT INTO new_topic (id, broker, name) SELECT id, (SELECT id FROM broker WHERE name = ''), name FROM topic;
                DROP TABLE topic;
                ALTER TABLE new_topic RENAME TO topic;
                """)
        }
        // The log of blocks: a message's index entry leads with its block (its id >> 16, so
        // 65,536 messages a block), so a batch's entries land at the end of the index, in the
        // few pages of the newest block, where a (topic, time) index had a batch touching
        // every topic rewrite most of its pages. Points take their message's block. Each
        // block's first and last time are kept in `block`, so a read visits only the blocks
        // its time range can reach. Points from before this version are in block 0, whose
        // range is widened to theirs. Each topic keeps the newest block it has messages in
        // (`block`, written as each block fills, see `SQLiteStore.bookkeep`), so its reads
        // look no further back than they must.
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                ALTER TABLE topic ADD COLUMN block INTEGER;
                UPDATE topic SET block = (SELECT max(id) FROM message WHERE message.topic = topic.id) >> \(SQLiteStore.blockShift);
                DROP INDEX message_by_topic_time;
                CREATE INDEX message_by_block ON message(\(SQLiteStore.messageBlock), topic, time);
                ALTER TABLE point ADD COLUMN block INTEGER NOT NULL DEFAULT 0;
                DROP INDEX point_by_series_time;
                CREATE INDEX point_by_block ON point(block, series, time);
                CREATE TABLE block (id INTEGER PRIMARY KEY, first REAL NOT NULL, last REAL NOT NULL);
                INSERT INTO block (id, first, last) SELECT \(SQLiteStore.messageBlock), min(time), max(time) FROM message GROUP BY 1;
                INSERT INTO block (id, first, last) SELECT 0, first, last FROM (SELECT min(time) AS first, max(time) AS last FROM point)
                  WHERE first IS NOT NULL \(SQLiteStore.widenBlockOnConflict);
                """)
        }
        return migrator
    }
}
