// SPDX-License-Identifier: MIT
// CDR database: background writer thread, schema, export.
#include <ssw/cdr/writer.hpp>
#include <ssw/core/json_writer.hpp>

#include <sqlite3.h>

#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <ostream>
#include <thread>

namespace ssw::cdr {

namespace {

constexpr int schema_version = 1;

const char* const schema_sql =
    "CREATE TABLE IF NOT EXISTS calls ("
    " id INTEGER PRIMARY KEY, call_id TEXT NOT NULL, source TEXT NOT NULL,"
    " source_address TEXT NOT NULL, caller_received TEXT NOT NULL, callee_received TEXT NOT NULL,"
    " caller_routed TEXT NOT NULL, callee_routed TEXT NOT NULL, started_ms INTEGER NOT NULL,"
    " first_provisional_ms INTEGER, answered_ms INTEGER, ended_ms INTEGER NOT NULL,"
    " pdd_ms INTEGER NOT NULL, duration_ms INTEGER NOT NULL, final_code INTEGER NOT NULL,"
    " stop_rule TEXT NOT NULL, release_side TEXT NOT NULL, release_cause TEXT NOT NULL,"
    " media_relayed INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS calls_started ON calls(started_ms);"
    "CREATE TABLE IF NOT EXISTS attempts ("
    " call INTEGER NOT NULL REFERENCES calls(id), seq INTEGER NOT NULL, gateway TEXT NOT NULL,"
    " caller_sent TEXT NOT NULL, callee_sent TEXT NOT NULL, started_ms INTEGER NOT NULL,"
    " first_provisional_ms INTEGER, sdp_ms INTEGER, answered_ms INTEGER, ended_ms INTEGER,"
    " final_code INTEGER NOT NULL, end_reason TEXT NOT NULL, PRIMARY KEY (call, seq));"
    // Added with the media relay; older databases get it on their next open for writing.
    "CREATE TABLE IF NOT EXISTS media_streams ("
    " call INTEGER NOT NULL REFERENCES calls(id), seq INTEGER NOT NULL, direction TEXT NOT NULL,"
    " packets INTEGER NOT NULL, bytes INTEGER NOT NULL, lost INTEGER NOT NULL,"
    " late_latching INTEGER NOT NULL, decrypt_failures INTEGER NOT NULL,"
    " hijack_refused INTEGER NOT NULL, PRIMARY KEY (call, seq));";

std::int64_t to_ms(wall_time t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// 2026-11-26T11:01:54.123Z
std::string iso8601(std::int64_t ms)
{
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
    return out;
}

class statement {
  public:
    statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(stmt_); }
    [[nodiscard]] sqlite3_stmt* get() const { return stmt_; }
    void text(int i, const std::string& s)
    {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    void integer(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    void optional_time(int i, const std::optional<wall_time>& t)
    {
        if (t) {
            sqlite3_bind_int64(stmt_, i, to_ms(*t));
        } else {
            sqlite3_bind_null(stmt_, i);
        }
    }
    int run()
    {
        const int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        return rc;
    }

  private:
    sqlite3_stmt* stmt_ = nullptr;
};

result<sqlite3*> open_database(const std::filesystem::path& path, bool create)
{
    sqlite3* db = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        std::string why = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return unexpected(make_error(create ? errc::cant_create : errc::not_found,
                                     "cannot open CDR database: " + why, path.string()));
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

} // namespace

struct writer::state {
    sqlite3* db = nullptr;
    std::string path;
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable flushed;
    std::deque<call_record> queue;
    std::uint64_t submitted = 0;
    std::uint64_t committed = 0;
    std::optional<error> last_error;
    bool stopping = false;
    std::thread thread;

    ~state()
    {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        wake.notify_all();
        if (thread.joinable()) {
            thread.join();
        }
        sqlite3_close(db);
    }

    result<void> write_batch(std::deque<call_record>& batch)
    {
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
            return unexpected(make_error(errc::io_error,
                                         std::string("cannot begin: ") + sqlite3_errmsg(db), path));
        }
        statement call(db, "INSERT INTO calls (call_id, source, source_address, caller_received,"
                           " callee_received, caller_routed, callee_routed, started_ms,"
                           " first_provisional_ms, answered_ms, ended_ms, pdd_ms, duration_ms,"
                           " final_code, stop_rule, release_side, release_cause, media_relayed)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        statement att(db, "INSERT INTO attempts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        statement med(db, "INSERT INTO media_streams VALUES (?,?,?,?,?,?,?,?,?)");
        bool ok = true;
        for (const auto& r : batch) {
            call.text(1, r.call_id);
            call.text(2, r.source);
            call.text(3, r.source_address);
            call.text(4, r.caller_received);
            call.text(5, r.callee_received);
            call.text(6, r.caller_routed);
            call.text(7, r.callee_routed);
            call.integer(8, to_ms(r.started));
            call.optional_time(9, r.first_provisional);
            call.optional_time(10, r.answered);
            call.integer(11, to_ms(r.ended));
            call.integer(12, r.post_dial_delay().count());
            call.integer(13, r.duration().count());
            call.integer(14, r.final_code);
            call.text(15, r.stop_rule);
            call.text(16, r.release_side);
            call.text(17, r.release_cause);
            call.integer(18, r.media_relayed ? 1 : 0);
            ok = ok && call.run() == SQLITE_DONE;
            const auto id = sqlite3_last_insert_rowid(db);
            for (std::size_t i = 0; i < r.attempts.size(); ++i) {
                const auto& a = r.attempts[i];
                att.integer(1, id);
                att.integer(2, static_cast<std::int64_t>(i + 1));
                att.text(3, a.gateway);
                att.text(4, a.caller_sent);
                att.text(5, a.callee_sent);
                att.integer(6, to_ms(a.started));
                att.optional_time(7, a.first_provisional);
                att.optional_time(8, a.sdp);
                att.optional_time(9, a.answered);
                att.optional_time(10, a.ended);
                att.integer(11, a.final_code);
                att.text(12, a.end_reason);
                ok = ok && att.run() == SQLITE_DONE;
            }
            for (std::size_t i = 0; i < r.media.size(); ++i) {
                const auto& m = r.media[i];
                med.integer(1, id);
                med.integer(2, static_cast<std::int64_t>(i + 1));
                med.text(3, m.direction);
                med.integer(4, static_cast<std::int64_t>(m.packets));
                med.integer(5, static_cast<std::int64_t>(m.bytes));
                med.integer(6, static_cast<std::int64_t>(m.lost));
                med.integer(7, static_cast<std::int64_t>(m.late_latching));
                med.integer(8, static_cast<std::int64_t>(m.decrypt_failures));
                med.integer(9, static_cast<std::int64_t>(m.hijack_refused));
                ok = ok && med.run() == SQLITE_DONE;
            }
        }
        if (!ok || sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
            auto e = make_error(errc::io_error,
                                std::string("cannot write CDRs: ") + sqlite3_errmsg(db), path);
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            return unexpected(std::move(e));
        }
        return {};
    }

    void run()
    {
        std::unique_lock lock(mutex);
        while (true) {
            wake.wait(lock, [&] { return stopping || !queue.empty(); });
            if (queue.empty() && stopping) {
                return;
            }
            std::deque<call_record> batch;
            batch.swap(queue);
            const auto count = batch.size();
            lock.unlock();
            auto written = write_batch(batch);
            lock.lock();
            if (!written) {
                last_error = std::move(written).error();
            }
            committed += count; // counted as handled either way, so flush() never hangs
            flushed.notify_all();
        }
    }
};

writer::writer(std::unique_ptr<state> s) : state_(std::move(s)) {}
writer::writer(writer&&) noexcept = default;
writer& writer::operator=(writer&&) noexcept = default;
writer::~writer() = default;

result<writer> writer::open(const std::filesystem::path& path)
{
    SSW_TRY_ASSIGN(sqlite3 * db, open_database(path, true));
    auto s = std::make_unique<state>();
    s->db = db;
    s->path = path.string();
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr,
                     nullptr) != SQLITE_OK ||
        sqlite3_exec(db, schema_sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return unexpected(
            make_error(errc::io_error,
                       std::string("cannot prepare CDR database: ") + sqlite3_errmsg(db), s->path));
    }
    {
        statement version(db, "PRAGMA user_version");
        int found = 0;
        if (sqlite3_step(version.get()) == SQLITE_ROW) {
            found = sqlite3_column_int(version.get(), 0);
        }
        if (found != 0 && found != schema_version) {
            return unexpected(make_error(errc::config_error,
                                         "CDR database has schema version " +
                                             std::to_string(found) + ", this ssw writes version " +
                                             std::to_string(schema_version),
                                         s->path));
        }
    }
    sqlite3_exec(db, "PRAGMA user_version=1", nullptr, nullptr, nullptr);
    auto* raw = s.get();
    s->thread = std::thread([raw] { raw->run(); });
    return writer(std::move(s));
}

void writer::submit(call_record record)
{
    {
        std::lock_guard lock(state_->mutex);
        state_->queue.push_back(std::move(record));
        ++state_->submitted;
    }
    state_->wake.notify_one();
}

result<void> writer::flush()
{
    std::unique_lock lock(state_->mutex);
    const auto target = state_->submitted;
    state_->flushed.wait(lock, [&] { return state_->committed >= target; });
    if (state_->last_error) {
        auto e = std::move(*state_->last_error);
        state_->last_error.reset();
        return unexpected(std::move(e));
    }
    return {};
}

std::uint64_t writer::written() const
{
    std::lock_guard lock(state_->mutex);
    return state_->committed;
}

result<std::uint64_t> export_records(const std::filesystem::path& database, export_format format,
                                     std::optional<wall_time> since, std::ostream& out)
{
    if (!std::filesystem::exists(database)) {
        return unexpected(make_error(errc::not_found, "no CDR database here", database.string()));
    }
    SSW_TRY_ASSIGN(sqlite3 * db, open_database(database, false));
    struct closer {
        sqlite3* db;
        ~closer() { sqlite3_close(db); }
    } close_db{db};
    statement calls(
        db,
        "SELECT id, call_id, source, source_address, caller_received, callee_received,"
        " caller_routed, callee_routed, started_ms, first_provisional_ms, answered_ms,"
        " ended_ms, pdd_ms, duration_ms, final_code, stop_rule, release_side,"
        " release_cause, media_relayed FROM calls WHERE started_ms >= ? ORDER BY started_ms, id");
    statement attempts(
        db, "SELECT seq, gateway, caller_sent, callee_sent, started_ms, first_provisional_ms,"
            " sdp_ms, answered_ms, ended_ms, final_code, end_reason FROM attempts"
            " WHERE call = ? ORDER BY seq");
    if (calls.get() == nullptr || attempts.get() == nullptr) {
        return unexpected(
            make_error(errc::parse_error, "not an ssw CDR database", database.string()));
    }
    // Null on databases written before the media relay existed (no such table).
    statement media(db, "SELECT direction, packets, bytes, lost, late_latching, decrypt_failures,"
                        " hijack_refused FROM media_streams WHERE call = ? ORDER BY seq");
    calls.integer(1, since ? to_ms(*since) : std::int64_t{0});
    auto col_text = [](sqlite3_stmt* s, int i) {
        const auto* p = sqlite3_column_text(s, i);
        return p ? std::string(reinterpret_cast<const char*>(p)) : std::string{};
    };
    auto col_time = [](sqlite3_stmt* s, int i) -> std::string {
        return sqlite3_column_type(s, i) == SQLITE_NULL ? std::string{}
                                                        : iso8601(sqlite3_column_int64(s, i));
    };
    auto json_time = [&](core::json_line& j, std::string_view key, sqlite3_stmt* st, int i) {
        if (sqlite3_column_type(st, i) == SQLITE_NULL) {
            j.field_null(key);
        } else {
            j.field(key, iso8601(sqlite3_column_int64(st, i)));
        }
    };
    auto csv = [](const std::string& v) {
        if (v.find_first_of(",\"\r\n") == std::string::npos) {
            return v;
        }
        std::string q = "\"";
        for (const char c : v) {
            q += c;
            if (c == '"') {
                q += '"';
            }
        }
        return q + "\"";
    };
    if (format == export_format::csv) {
        out << "call_id,source,source_address,caller_received,callee_received,caller_routed,"
               "callee_routed,started,first_provisional,answered,ended,pdd_ms,duration_ms,"
               "final_code,stop_rule,release_side,release_cause,media_relayed,attempts\n";
    }
    std::uint64_t rows = 0;
    sqlite3_stmt* c = calls.get();
    while (sqlite3_step(c) == SQLITE_ROW) {
        ++rows;
        attempts.integer(1, sqlite3_column_int64(c, 0));
        std::string attempt_summary;
        std::string attempt_json = "[";
        sqlite3_stmt* a = attempts.get();
        while (sqlite3_step(a) == SQLITE_ROW) {
            if (!attempt_summary.empty()) {
                attempt_summary += ';';
                attempt_json += ',';
            }
            attempt_summary += col_text(a, 1) + ":" + std::to_string(sqlite3_column_int(a, 9)) +
                               ":" + col_text(a, 10);
            core::json_line j;
            j.field("gateway", col_text(a, 1))
                .field("caller_sent", col_text(a, 2))
                .field("callee_sent", col_text(a, 3))
                .field("started", col_time(a, 4));
            json_time(j, "first_provisional", a, 5);
            json_time(j, "sdp", a, 6);
            json_time(j, "answered", a, 7);
            json_time(j, "ended", a, 8);
            j.field("final_code", sqlite3_column_int(a, 9)).field("end_reason", col_text(a, 10));
            attempt_json += j.str();
        }
        sqlite3_reset(a);
        attempt_json += "]";
        if (format == export_format::csv) {
            for (int i = 1; i <= 7; ++i) {
                out << csv(col_text(c, i)) << ',';
            }
            for (int i = 8; i <= 11; ++i) {
                out << col_time(c, i) << ',';
            }
            out << sqlite3_column_int64(c, 12) << ',' << sqlite3_column_int64(c, 13) << ','
                << sqlite3_column_int(c, 14) << ',' << csv(col_text(c, 15)) << ','
                << csv(col_text(c, 16)) << ',' << csv(col_text(c, 17)) << ','
                << sqlite3_column_int(c, 18) << ',' << csv(attempt_summary) << '\n';
        } else {
            core::json_line j;
            j.field("type", "cdr")
                .field("call_id", col_text(c, 1))
                .field("source", col_text(c, 2))
                .field("source_address", col_text(c, 3))
                .field("caller_received", col_text(c, 4))
                .field("callee_received", col_text(c, 5))
                .field("caller_routed", col_text(c, 6))
                .field("callee_routed", col_text(c, 7))
                .field("started", col_time(c, 8));
            json_time(j, "first_provisional", c, 9);
            json_time(j, "answered", c, 10);
            j.field("ended", col_time(c, 11))
                .field("pdd_ms", static_cast<std::int64_t>(sqlite3_column_int64(c, 12)))
                .field("duration_ms", static_cast<std::int64_t>(sqlite3_column_int64(c, 13)))
                .field("final_code", sqlite3_column_int(c, 14))
                .field("stop_rule", col_text(c, 15))
                .field("release_side", col_text(c, 16))
                .field("release_cause", col_text(c, 17))
                .field("media_relayed", sqlite3_column_int(c, 18) != 0)
                .field_raw("attempts", attempt_json);
            // Relayed calls only: records of calls without media counters stay as they were.
            if (sqlite3_stmt* m = media.get()) {
                sqlite3_bind_int64(m, 1, sqlite3_column_int64(c, 0));
                std::string media_json;
                while (sqlite3_step(m) == SQLITE_ROW) {
                    core::json_line s;
                    s.field("direction", col_text(m, 0));
                    static constexpr const char* names[] = {
                        "packets",          "bytes",         "lost", "late_latching",
                        "decrypt_failures", "hijack_refused"};
                    for (int k = 0; k < 6; ++k) {
                        s.field(names[k],
                                static_cast<std::int64_t>(sqlite3_column_int64(m, k + 1)));
                    }
                    media_json += (media_json.empty() ? "[" : ",") + s.str();
                }
                sqlite3_reset(m);
                if (!media_json.empty()) {
                    j.field_raw("media", media_json + "]");
                }
            }
            out << j.str() << '\n';
        }
    }
    if (!out) {
        return unexpected(make_error(errc::io_error, "write to the output failed"));
    }
    return rows;
}

} // namespace ssw::cdr
