import GRDB

/// The schema, as named migrations. Append only: a released migration is never edited,
/// renamed or removed, because deployed databases record which names they have applied.
/// Migrations spell out their tables here instead of deriving them from the record types,
/// so that a later change to a record cannot silently change what an old migration did.
extension VPBXDatabase {
    /// Names of all migrations, in the order they are applied.
    public static var migrationNames: [String] { migrator.migrations }

    /// Names of the migrations applied to this database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await read("the migration list") { db in
            try Self.migrator.appliedMigrations(db)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-extensions", migrate: createExtensions)
        migrator.registerMigration("v1-registrations", migrate: createRegistrations)
        migrator.registerMigration("v1-cdr", migrate: createCDR)
        migrator.registerMigration("v2-schedules", migrate: createSchedules)
        migrator.registerMigration("v3-dialplan", migrate: createDialPlan)
        migrator.registerMigration("v4-menus", migrate: createMenus)
        migrator.registerMigration("v5-voicemail", migrate: createVoicemail)
        migrator.registerMigration("v6-feature-codes", migrate: createFeatureCodes)
        migrator.registerMigration("v7-queues", migrate: createQueues)
        migrator.registerMigration("v8-agent-sessions", migrate: createAgentSessions)
        migrator.registerMigration("v9-extension-call-center", migrate: addExtensionCallCenter)
        migrator.registerMigration("v10-agent-unix-user", migrate: addAgentUnixUser)
        migrator.registerMigration("v11-queue-music-class", migrate: addQueueMusicClass)
        migrator.registerMigration("v12-extension-qualify", migrate: addExtensionQualify)
        migrator.registerMigration("v13-cdr-number-time-indexes", migrate: indexCDRNumbersByTime)
        migrator.registerMigration("v14-queue-call-span-index", migrate: indexQueueCallSpans)
        migrator.registerMigration("v15-registration-routing", migrate: addRegistrationRouting)
        migrator.registerMigration("v16-call-recordings", migrate: addCallRecordings)
        migrator.registerMigration("v17-trunks", migrate: createTrunks)
        migrator.registerMigration("v18-extension-outbound", migrate: addExtensionOutboundClass)
        migrator.registerMigration("v19-conference-rooms", migrate: createConferenceRooms)
        migrator.registerMigration("v20-trunk-checks", migrate: addTrunkChecks)
        migrator.registerMigration("v21-extension-forwarding", migrate: addExtensionForwarding)
        migrator.registerMigration("v22-trunk-pass-caller-id", migrate: addTrunkPassCallerID)
        migrator.registerMigration("v23-extension-withhold-number", migrate: addExtensionWithholdNumber)
        migrator.registerMigration("v24-extension-mobile-confirm", migrate: addExtensionMobileConfirm)
        migrator.registerMigration("v25-extension-srtp", migrate: addExtensionSRTP)
        migrator.registerMigration("v26-cdr-encrypted", migrate: addCDREncrypted)
        migrator.registerMigration("v27-outbound-routes", migrate: createOutboundRoutes)
        migrator.registerMigration("v28-conference-leader", migrate: addConferenceLeader)
        migrator.registerMigration("v29-outbound-route-options", migrate: addOutboundRouteOptions)
        migrator.registerMigration("v30-queue-record-calls", migrate: addQueueRecordCalls)
        migrator.registerMigration("v31-trunk-srtp", migrate: addTrunkSRTP)
        migrator.registerMigration("v32-trunk-srv", migrate: addTrunkSRV)
        migrator.registerMigration("v33-conference-record-calls", migrate: addConferenceRecordCalls)
        migrator.registerMigration("v34-outbound-route-override-caller-id", migrate: addOutboundRouteOverride)
        migrator.registerMigration("v35-numbering", migrate: createNumbering)
        migrator.registerMigration("v36-mailbox-email", migrate: addMailboxEmail)
        migrator.registerMigration("v37-voicemail-email-outbox", migrate: addVoicemailEmailOutbox)
        migrator.registerMigration("v38-extension-do-not-disturb", migrate: addExtensionDoNotDisturb)
        return migrator
    }

    private static func createExtensions(_ db: Database) throws {
        try db.create(table: "extensions") { t in
            t.primaryKey("number", .text)
            t.column("display_name", .text).notNull()
            t.column("ha1_md5", .text).notNull()
            t.column("ha1_sha256", .text).notNull()
            // Enums are plain text without CHECK constraints: the records validate them,
            // and adding a value later must not need a table rebuild.
            t.column("kind", .text).notNull()
            t.column("mobile_number", .text)
            t.column("enabled", .boolean).notNull().defaults(to: true)
            t.column("no_answer_timeout", .integer).notNull().defaults(to: 30)
            t.column("language", .text).notNull().defaults(to: "hu")
            t.column("static_contact", .text)
            t.column("created_at", .datetime).notNull()
            t.column("updated_at", .datetime).notNull()
        }
    }

    private static func createRegistrations(_ db: Database) throws {
        try db.create(table: "registrations") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("extension_number", .text).notNull()
                .references("extensions", onDelete: .cascade)
            t.column("contact_uri", .text).notNull()
            t.column("expires_at", .datetime).notNull().indexed()
            t.column("call_id", .text).notNull()
            t.column("cseq", .integer).notNull()
            t.column("transport", .text).notNull()
            t.column("source_host", .text).notNull()
            t.column("source_port", .integer).notNull()
            t.column("user_agent", .text)
            t.column("instance_id", .text)
            t.column("registered_at", .datetime).notNull()
            // Also serves as the index for the foreign key (extension_number first).
            t.uniqueKey(["extension_number", "contact_uri"])
        }
    }

    private static func createCDR(_ db: Database) throws {
        try db.create(table: "cdr") { t in
            t.primaryKey("id", .text)
            t.column("sip_call_id", .text).notNull()
            t.column("caller", .text).notNull().indexed()
            t.column("caller_name", .text)
            t.column("callee", .text).notNull().indexed()
            t.column("started_at", .datetime).notNull().indexed()
            t.column("answered_at", .datetime)
            t.column("ended_at", .datetime)
            t.column("duration_seconds", .integer).notNull().defaults(to: 0)
            t.column("billable_seconds", .integer).notNull().defaults(to: 0)
            t.column("disposition", .text).notNull()
            t.column("cause", .text)
            t.column("hangup_side", .text)
            t.column("path", .text)
        }
        // Recovery after a crash looks only at unfinished rows: keep that lookup small.
        try db.execute(
            sql: "CREATE INDEX cdr_in_progress ON cdr(started_at) WHERE disposition = 'in_progress'"
        )
    }

    private static func createSchedules(_ db: Database) throws {
        try db.create(table: "schedules") { t in
            t.primaryKey("name", .text)
            t.column("weekly", .text).notNull()
            t.column("time_zone", .text).notNull()
            t.column("observes_holidays", .boolean).notNull().defaults(to: true)
            t.column("override_mode", .text)
            t.column("override_until", .datetime)
            t.column("created_at", .datetime).notNull()
            t.column("updated_at", .datetime).notNull()
        }
        try db.create(table: "holidays") { t in
            t.primaryKey("date", .text)
            t.column("name", .text).notNull()
            t.column("hours", .text).notNull().defaults(to: "")
        }
        try db.create(table: "workday_swaps") { t in
            t.primaryKey("rest_day", .text)
            t.column("workday", .text).notNull().unique()
            t.column("note", .text).notNull().defaults(to: "")
        }
    }

    private static func createDialPlan(_ db: Database) throws {
        try db.create(table: "routes") { t in
            t.primaryKey("number", .text)
            t.column("destination", .text).notNull()
        }
        // A schedule in use cannot be deleted: the time condition refers to it.
        try db.create(table: "time_conditions") { t in
            t.primaryKey("name", .text)
            t.column("schedule", .text).notNull().indexed().references("schedules", onDelete: .restrict)
            t.column("open_destination", .text).notNull()
            t.column("closed_destination", .text).notNull()
        }
    }

    private static func createMenus(_ db: Database) throws {
        try db.create(table: "menus") { t in
            t.primaryKey("name", .text)
            t.column("greeting", .text).notNull()
            t.column("options", .text).notNull().defaults(to: "{}")
            t.column("timeout_seconds", .integer).notNull().defaults(to: 5)
            t.column("attempts", .integer).notNull().defaults(to: 3)
            t.column("direct_dial", .boolean).notNull().defaults(to: false)
            t.column("timeout_destination", .text).notNull().defaults(to: "hangup")
            t.column("invalid_destination", .text).notNull().defaults(to: "hangup")
        }
    }

    private static func createVoicemail(_ db: Database) throws {
        try db.create(table: "mailboxes") { t in
            t.primaryKey("extension_number", .text).references("extensions", onDelete: .cascade)
            t.column("enabled", .boolean).notNull().defaults(to: true)
            t.column("pin_hash", .text).notNull()
            t.column("max_message_seconds", .integer).notNull().defaults(to: 180)
            t.column("created_at", .datetime).notNull()
            t.column("updated_at", .datetime).notNull()
        }
        try db.create(table: "voicemail_messages") { t in
            t.primaryKey("id", .text)
            t.column("mailbox", .text).notNull().references("mailboxes", onDelete: .cascade)
            t.column("caller", .text).notNull()
            t.column("caller_name", .text)
            t.column("received_at", .datetime).notNull()
            t.column("duration_ms", .integer).notNull()
            t.column("folder", .text).notNull().defaults(to: "new")
            t.column("audio_path", .text).notNull()
            t.column("call_id", .text)
        }
        // Listing a box newest first (and the foreign key's index: mailbox first).
        try db.create(
            index: "voicemail_messages_by_mailbox", on: "voicemail_messages", columns: ["mailbox", "received_at"])
        // Counting new/old per box for MWI, from the index alone.
        try db.create(index: "voicemail_messages_by_folder", on: "voicemail_messages", columns: ["mailbox", "folder"])
    }

    private static func createFeatureCodes(_ db: Database) throws {
        // Only the codes an administrator changed; a feature without a row has its default.
        // Names are not checked against a list here: the catalog lives in the code.
        try db.create(table: "feature_codes") { t in
            t.primaryKey("name", .text)
            t.column("code", .text).notNull().unique()
        }
    }

    private static func createQueues(_ db: Database) throws {
        try db.create(table: "queues") { t in
            t.primaryKey("name", .text)
            t.column("strategy", .text).notNull().defaults(to: "ring-all")
            t.column("ring_timeout_seconds", .integer).notNull().defaults(to: 20)
            t.column("retry_delay_seconds", .integer).notNull().defaults(to: 5)
            t.column("max_wait_seconds", .integer)
            t.column("overflow_destination", .text)
            t.column("max_length", .integer)
            t.column("reject_join_when", .text).notNull().defaults(to: "never")
            t.column("leave_when", .text).notNull().defaults(to: "never")
            t.column("service_level_seconds", .integer).notNull().defaults(to: 20)
            t.column("short_abandon_seconds", .integer).notNull().defaults(to: 5)
            t.column("wrap_up_seconds", .integer).notNull().defaults(to: 0)
            t.column("announcement_interval_seconds", .integer)
            t.column("exit_digit", .text)
            t.column("pause_on_no_answer", .boolean).notNull().defaults(to: false)
        }
        try db.create(table: "agents") { t in
            t.primaryKey("number", .text)
            t.column("name", .text).notNull()
            t.column("pin_hash", .text)
        }
        // Deleting a queue drops its members; an agent who is a member cannot be deleted
        // (the repository says which queues first; RESTRICT is the backstop).
        try db.create(table: "queue_members") { t in
            t.column("queue", .text).notNull().references("queues", onDelete: .cascade)
            t.column("agent", .text).notNull().indexed().references("agents", onDelete: .restrict)
            t.column("penalty", .integer).notNull().defaults(to: 0)
            t.column("position", .integer).notNull()
            // Also the index for the queue foreign key (queue first).
            t.primaryKey(["queue", "agent"])
        }
        // Finished queue callers for reports. No foreign key to queues: the history of a
        // removed queue stays reportable.
        try db.create(table: "queue_calls") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("queue", .text).notNull()
            t.column("caller", .text).notNull()
            t.column("priority", .integer).notNull().defaults(to: 0)
            t.column("joined_at", .datetime).notNull()
            t.column("outcome", .text).notNull()
            t.column("exit_reason", .text)
            t.column("left_queue_at", .datetime).notNull()
            t.column("agent", .text)
            t.column("ended_at", .datetime)
            t.column("completed_at", .datetime)
            t.column("wait_seconds", .double).notNull()
            t.column("talk_seconds", .double).notNull().defaults(to: 0)
            t.column("wrap_up_seconds", .double).notNull().defaults(to: 0)
            t.column("last_event_at", .datetime).notNull()
        }
        // A report reads one queue's (or every queue's) records by joining time.
        try db.create(index: "queue_calls_by_queue", on: "queue_calls", columns: ["queue", "joined_at"])
        try db.create(index: "queue_calls_by_time", on: "queue_calls", columns: ["joined_at"])
    }

    private static func createAgentSessions(_ db: Database) throws {
        // One row per logged-in agent; deleting the agent ends the session.
        try db.create(table: "agent_sessions") { t in
            t.primaryKey("agent", .text).references("agents", onDelete: .cascade)
            t.column("extension_number", .text).notNull()
            t.column("queues", .text)
            t.column("paused_reason", .text)
        }
    }

    /// Who may listen in on calls (listen, whisper, barge): nobody until granted; and pickup
    /// groups (`*8`): none until set.
    private static func addExtensionCallCenter(_ db: Database) throws {
        try db.alter(table: "extensions") { t in
            t.add(column: "may_monitor", .boolean).notNull().defaults(to: false)
            t.add(column: "pickup_group", .text)
        }
    }

    private static func addAgentUnixUser(_ db: Database) throws {
        // Which Unix user is this agent at a console. Unique where set: a console user is
        // at most one agent (SQLite lets any number of rows hold NULL).
        try db.alter(table: "agents") { t in t.add(column: "unix_user", .text) }
        try db.create(index: "agents_by_unix_user", on: "agents", columns: ["unix_user"], unique: true)
    }

    /// Which music-on-hold class a queue plays; nil: the default class.
    private static func addQueueMusicClass(_ db: Database) throws {
        try db.alter(table: "queues") { t in t.add(column: "music_class", .text) }
    }

    /// How often the engine checks the extension's contacts with OPTIONS; 0: never.
    private static func addExtensionQualify(_ db: Database) throws {
        try db.alter(table: "extensions") { t in
            t.add(column: "qualify_seconds", .integer).notNull().defaults(to: 0)
        }
    }

    /// A number's calls by time: the CDR search walks these newest first and stops at its
    /// limit (``CDRSearchSQL``), where the number-only indexes made it read and sort every
    /// call of the number. Same count of indexes, so a CDR write costs the same. On a large
    /// table this runs once, at the first start of this version (12 s for 3 million rows here).
    private static func indexCDRNumbersByTime(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX cdr_on_caller")
        try db.execute(sql: "DROP INDEX cdr_on_callee")
        try db.execute(sql: "CREATE INDEX cdr_by_caller ON cdr(caller, started_at)")
        try db.execute(sql: "CREATE INDEX cdr_by_callee ON cdr(callee, started_at)")
    }

    /// How long each finished caller's story lasted (joining to last event), indexed so that
    /// a report can ask for the longest in a few page reads: it bounds how far before a period
    /// a caller with an event in the period can have joined (`GRDBQueueCallLogRepository`).
    private static func indexQueueCallSpans(_ db: Database) throws {
        try db.execute(
            sql: "CREATE INDEX queue_calls_by_span ON queue_calls ((julianday(last_event_at) - julianday(joined_at)))")
    }

    /// The `reg-id` beside the `+sip.instance` (RFC 5626 binds a device's flow, the pair of
    /// them, rather than its Contact URI), and the Path of proxies a REGISTER came through
    /// (RFC 3327), which requests to the contact take back: one header value.
    private static func addRegistrationRouting(_ db: Database) throws {
        try db.alter(table: "registrations") { t in
            t.add(column: "reg_id", .integer)
            t.add(column: "path", .text)
        }
    }

    /// Call recordings: which extensions' calls are recorded, and the index of the files
    /// (the audio is in `recordings/`). A deleted recording keeps its row, without the file,
    /// so the audit trail can still say what existed and why it went.
    private static func addCallRecordings(_ db: Database) throws {
        try db.alter(table: "extensions") { t in
            t.add(column: "record_calls", .boolean).notNull().defaults(to: false)
        }
        try db.create(table: "recordings") { t in
            t.primaryKey("id", .text)
            t.column("call_id", .text).notNull()
            t.column("caller", .text).notNull()
            t.column("callee", .text).notNull()
            t.column("started_at", .text).notNull()
            t.column("ended_at", .text)
            t.column("duration_ms", .integer).notNull().defaults(to: 0)
            t.column("bytes", .integer).notNull().defaults(to: 0)
            t.column("sha256", .text)
            t.column("path", .text).notNull()
            t.column("state", .text).notNull()
            t.column("error", .text)
            t.column("retain_until", .text).notNull()
            t.column("deleted_at", .text)
            t.column("deleted_reason", .text)
        }
        try db.create(index: "recordings_by_start", on: "recordings", columns: ["started_at"])
        try db.create(index: "recordings_by_call", on: "recordings", columns: ["call_id"])
        try db.create(index: "recordings_by_retention", on: "recordings", columns: ["retain_until"])
    }

    private static func addExtensionOutboundClass(_ db: Database) throws {
        try db.alter(table: "extensions") { t in
            t.add(column: "outbound_class", .text).notNull().defaults(to: OutboundClass.national.rawValue)
            t.add(column: "caller_id", .text)
        }
    }

    private static func addExtensionMobileConfirm(_ db: Database) throws {
        try db.alter(table: "extensions") { t in t.add(column: "mobile_confirm", .boolean).notNull().defaults(to: false) }
    }

    private static func addExtensionSRTP(_ db: Database) throws {
        try db.alter(table: "extensions") { t in t.add(column: "srtp", .text).notNull().defaults(to: "off") }
    }

    /// Whether the call's audio was encrypted (SRTP) on some leg while it was answered. Rows
    /// of earlier calls read false: nobody confirmed it for them. A constant default, so
    /// SQLite adds the column without rewriting the table's rows.
    private static func addCDREncrypted(_ db: Database) throws {
        try db.alter(table: "cdr") { t in t.add(column: "encrypted", .boolean).notNull().defaults(to: false) }
    }

    /// Existing trunks keep plain RTP toward their provider.
    private static func addTrunkSRTP(_ db: Database) throws {
        try db.alter(table: "trunks") { t in t.add(column: "srtp", .text).notNull().defaults(to: "off") }
    }

    /// Off for the trunks there are: whether their port was given is not known any more.
    private static func addTrunkSRV(_ db: Database) throws {
        try db.alter(table: "trunks") { t in t.add(column: "srv", .boolean).notNull().defaults(to: false) }
    }

    private static func addMailboxEmail(_ db: Database) throws {
        try db.alter(table: "mailboxes") { t in t.add(column: "email", .text) }
    }

    /// Where a message is to be emailed and when that was done: a message with an address and
    /// no time is still to be mailed (after a failed try, or an engine that stopped first).
    private static func addVoicemailEmailOutbox(_ db: Database) throws {
        try db.alter(table: "voicemail_messages") { t in
            t.add(column: "email_to", .text)
            t.add(column: "emailed_at", .datetime)
        }
        try db.execute(
            sql: """
                CREATE INDEX voicemail_messages_unmailed ON voicemail_messages(received_at)
                WHERE email_to IS NOT NULL AND emailed_at IS NULL
                """)
    }

    /// One row at most (the CHECK), for the whole exchange.
    private static func createNumbering(_ db: Database) throws {
        try db.create(table: "numbering") { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("area_code", .text)
            t.column("outside_prefix", .text)
        }
    }

    private static func addOutboundRouteOverride(_ db: Database) throws {
        try db.alter(table: "outbound_routes") { t in
            t.add(column: "overrides_extension_caller_id", .boolean).notNull().defaults(to: false)
        }
    }

    private static func addConferenceRecordCalls(_ db: Database) throws {
        try db.alter(table: "conference_rooms") { t in t.add(column: "record_calls", .boolean).notNull().defaults(to: false) }
    }

    private static func addQueueRecordCalls(_ db: Database) throws {
        try db.alter(table: "queues") { t in t.add(column: "record_calls", .boolean).notNull().defaults(to: false) }
    }

    /// A schedule a route follows is checked by the control layer (and a schedule in use
    /// cannot be removed), as for trunks: no foreign key, like the trunks' JSON list.
    private static func addOutboundRouteOptions(_ db: Database) throws {
        try db.alter(table: "outbound_routes") { t in
            t.add(column: "schedule", .text)
            t.add(column: "schedule_state", .text).notNull().defaults(to: "open")
            t.add(column: "caller_id", .text)
            t.add(column: "prepend", .text).notNull().defaults(to: "")
        }
    }

    private static func addConferenceLeader(_ db: Database) throws {
        try db.alter(table: "conference_rooms") { t in
            t.add(column: "leader_pin", .text)
            t.add(column: "wait_for_leader", .boolean).notNull().defaults(to: false)
            t.add(column: "end_with_leader", .boolean).notNull().defaults(to: false)
        }
    }

    /// Outbound routes name trunks in a JSON list, which a foreign key cannot cover: the
    /// control layer checks the names and refuses to remove a trunk a route names.
    private static func createOutboundRoutes(_ db: Database) throws {
        try db.create(table: "outbound_routes") { t in
            t.primaryKey("name", .text)
            t.column("prefixes", .text).notNull()
            t.column("trunks", .text).notNull()
            t.column("callers", .text).notNull().defaults(to: "[]")
        }
    }

    private static func addExtensionDoNotDisturb(_ db: Database) throws {
        try db.alter(table: "extensions") { t in t.add(column: "do_not_disturb", .boolean).notNull().defaults(to: false) }
    }

    private static func addExtensionWithholdNumber(_ db: Database) throws {
        try db.alter(table: "extensions") { t in t.add(column: "withhold_number", .boolean).notNull().defaults(to: false) }
    }

    private static func addTrunkPassCallerID(_ db: Database) throws {
        try db.alter(table: "trunks") { t in t.add(column: "pass_caller_id", .boolean).notNull().defaults(to: false) }
    }

    private static func addExtensionForwarding(_ db: Database) throws {
        try db.alter(table: "extensions") { t in
            t.add(column: "forward_always", .text)
            t.add(column: "forward_busy", .text)
            t.add(column: "forward_no_answer", .text)
        }
    }

    private static func addTrunkChecks(_ db: Database) throws {
        try db.alter(table: "trunks") { t in t.add(column: "qualify_seconds", .integer).notNull().defaults(to: 0) }
    }

    private static func createConferenceRooms(_ db: Database) throws {
        try db.create(table: "conference_rooms") { t in
            t.primaryKey("name", .text)
            t.column("pin", .text)
            t.column("maximum_participants", .integer)
        }
    }

    private static func createTrunks(_ db: Database) throws {
        try db.create(table: "trunks") { t in
            t.primaryKey("name", .text)
            t.column("host", .text).notNull()
            t.column("port", .integer).notNull()
            t.column("transport", .text).notNull()
            t.column("username", .text)
            t.column("password", .text)
            t.column("caller_id", .text)
            t.column("number_format", .text).notNull()
            t.column("inbound_destination", .text)
            t.column("outbound", .boolean).notNull()
            t.column("priority", .integer).notNull()
            t.column("register", .boolean).notNull()
        }
    }
}
