// SPDX-License-Identifier: MIT
// Registrar bindings: an in-memory index with SQLite write-behind and group commit.
#include <ssw/registrar/binding_store.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <map>

namespace ssw::registrar {

namespace {

using sys_time = std::chrono::system_clock::time_point;

std::int64_t to_unix(sys_time t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

sys_time from_unix(std::int64_t s)
{
    return sys_time{std::chrono::seconds(s)};
}

class statement {
  public:
    statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(stmt_); }
    sqlite3_stmt* get() const { return stmt_; }
    void bind(int i, std::string_view s)
    {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    int step_and_reset()
    {
        const int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        return rc;
    }

  private:
    sqlite3_stmt* stmt_ = nullptr;
};

} // namespace

struct binding_store::state {
    sqlite3* db = nullptr;
    std::string path;
    // account -> contact -> binding
    std::map<std::string, std::map<std::string, binding>, std::less<>> bindings;
    staged_changes pending;
    std::size_t count = 0;

    ~state()
    {
        if (db != nullptr) {
            sqlite3_close(db);
        }
    }

    error db_error(const std::string& what) const
    {
        return make_error(errc::io_error, what + ": " + sqlite3_errmsg(db), path);
    }
};

binding_store::binding_store(std::unique_ptr<state> s) : state_(std::move(s)) {}
binding_store::binding_store(binding_store&&) noexcept = default;
binding_store& binding_store::operator=(binding_store&&) noexcept = default;
binding_store::~binding_store() = default;

result<binding_store> binding_store::open(const std::filesystem::path& path, sys_time now)
{
    auto s = std::make_unique<state>();
    s->path = path.string();
    if (sqlite3_open_v2(s->path.c_str(), &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        auto e = s->db ? s->db_error("cannot open binding store")
                       : make_error(errc::cant_create, "cannot open binding store", s->path);
        e.code = errc::cant_create;
        return unexpected(std::move(e));
    }
    const char* setup = "PRAGMA journal_mode=WAL;"
                        "PRAGMA synchronous=FULL;"
                        "CREATE TABLE IF NOT EXISTS bindings ("
                        " account TEXT NOT NULL, contact TEXT NOT NULL, source TEXT NOT NULL,"
                        " source_port INTEGER NOT NULL, transport TEXT NOT NULL,"
                        " expires_unix INTEGER NOT NULL, behind_nat INTEGER NOT NULL,"
                        " call_id TEXT NOT NULL, cseq INTEGER NOT NULL, user_agent TEXT NOT NULL,"
                        " PRIMARY KEY (account, contact));"
                        "PRAGMA user_version=1;";
    if (sqlite3_exec(s->db, setup, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return unexpected(s->db_error("cannot prepare binding store"));
    }
    statement select(s->db, "SELECT account, contact, source, source_port, transport, expires_unix,"
                            " behind_nat, call_id, cseq, user_agent FROM bindings");
    auto text = [&](int col) {
        const auto* p = sqlite3_column_text(select.get(), col);
        return p ? std::string(reinterpret_cast<const char*>(p)) : std::string{};
    };
    while (sqlite3_step(select.get()) == SQLITE_ROW) {
        binding b;
        b.account = text(0);
        b.contact = text(1);
        auto address = core::ip_address::parse(text(2));
        if (!address) {
            continue; // a row we cannot use is skipped, not fatal
        }
        b.source = *address;
        b.source_port = static_cast<std::uint16_t>(sqlite3_column_int(select.get(), 3));
        b.transport = text(4);
        b.expires = from_unix(sqlite3_column_int64(select.get(), 5));
        b.behind_nat = sqlite3_column_int(select.get(), 6) != 0;
        b.call_id = text(7);
        b.cseq = static_cast<std::uint32_t>(sqlite3_column_int64(select.get(), 8));
        b.user_agent = text(9);
        if (b.expires > now) {
            s->bindings[b.account][b.contact] = std::move(b);
            ++s->count;
        }
    }
    binding_store store(std::move(s));
    store.expire(now);
    SSW_TRY(store.commit());
    return store;
}

void binding_store::stage_put(const binding& b)
{
    auto& contacts = state_->bindings[b.account];
    if (contacts.find(b.contact) == contacts.end()) {
        ++state_->count;
    }
    contacts[b.contact] = b;
    state_->pending.push_back({binding_change::kind::put, b, {}, {}});
}

void binding_store::stage_remove(std::string_view account, std::string_view contact)
{
    const auto it = state_->bindings.find(account);
    if (it != state_->bindings.end()) {
        const auto c = it->second.find(std::string(contact));
        if (c != it->second.end()) {
            it->second.erase(c);
            --state_->count;
        }
        if (it->second.empty()) {
            state_->bindings.erase(it);
        }
    }
    state_->pending.push_back(
        {binding_change::kind::remove, {}, std::string(account), std::string(contact)});
}

void binding_store::stage_remove_all(std::string_view account)
{
    const auto it = state_->bindings.find(account);
    if (it != state_->bindings.end()) {
        state_->count -= it->second.size();
        state_->bindings.erase(it);
    }
    state_->pending.push_back({binding_change::kind::remove_all, {}, std::string(account), {}});
}

staged_changes binding_store::take_staged()
{
    staged_changes taken;
    taken.swap(state_->pending);
    return taken;
}

result<void> binding_store::write(staged_changes changes)
{
    auto& s = *state_;
    if (changes.empty()) {
        return {};
    }
    if (sqlite3_exec(s.db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return unexpected(s.db_error("cannot begin transaction"));
    }
    statement put(s.db, "INSERT OR REPLACE INTO bindings VALUES (?,?,?,?,?,?,?,?,?,?)");
    statement remove(s.db, "DELETE FROM bindings WHERE account = ? AND contact = ?");
    statement remove_all(s.db, "DELETE FROM bindings WHERE account = ?");
    for (const auto& o : changes) {
        int rc = SQLITE_DONE;
        if (o.what == binding_change::kind::put) {
            const auto& b = o.value;
            put.bind(1, b.account);
            put.bind(2, b.contact);
            put.bind(3, b.source.to_string());
            put.bind(4, std::int64_t{b.source_port});
            put.bind(5, b.transport);
            put.bind(6, to_unix(b.expires));
            put.bind(7, std::int64_t{b.behind_nat ? 1 : 0});
            put.bind(8, b.call_id);
            put.bind(9, std::int64_t{b.cseq});
            put.bind(10, b.user_agent);
            rc = put.step_and_reset();
        } else if (o.what == binding_change::kind::remove) {
            remove.bind(1, o.account);
            remove.bind(2, o.contact);
            rc = remove.step_and_reset();
        } else {
            remove_all.bind(1, o.account);
            rc = remove_all.step_and_reset();
        }
        if (rc != SQLITE_DONE) {
            auto e = s.db_error("cannot write binding");
            sqlite3_exec(s.db, "ROLLBACK", nullptr, nullptr, nullptr);
            return unexpected(std::move(e));
        }
    }
    if (sqlite3_exec(s.db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        auto e = s.db_error("cannot commit bindings");
        sqlite3_exec(s.db, "ROLLBACK", nullptr, nullptr, nullptr);
        return unexpected(std::move(e));
    }
    return {};
}

std::vector<binding> binding_store::lookup(std::string_view account, sys_time now) const
{
    std::vector<binding> out;
    const auto it = state_->bindings.find(account);
    if (it == state_->bindings.end()) {
        return out;
    }
    for (const auto& [contact, b] : it->second) {
        if (b.expires > now) {
            out.push_back(b);
        }
    }
    return out;
}

std::size_t binding_store::expire(sys_time now)
{
    return expire_collect(now).size();
}

std::vector<binding> binding_store::expire_collect(sys_time now)
{
    std::vector<binding> gone;
    for (const auto& [account, contacts] : state_->bindings) {
        for (const auto& [contact, b] : contacts) {
            if (b.expires <= now) {
                gone.push_back(b);
            }
        }
    }
    for (const auto& b : gone) {
        stage_remove(b.account, b.contact);
    }
    return gone;
}

std::vector<binding> binding_store::all(sys_time now) const
{
    std::vector<binding> out;
    for (const auto& [account, contacts] : state_->bindings) {
        for (const auto& [contact, b] : contacts) {
            if (b.expires > now) {
                out.push_back(b);
            }
        }
    }
    return out;
}

std::size_t binding_store::size() const noexcept
{
    return state_->count;
}

} // namespace ssw::registrar
