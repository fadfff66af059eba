#include "store/sqlite/sqlite_registration_repository.hpp"

#include <sqlite3.h>

namespace parley::store::sqlite {

namespace {


Registration read_registration(const Statement& st) {
  Registration r;
  r.account_id = AccountId(static_cast<std::uint64_t>(st.int64(0)));
  r.contact = st.text(1);
  r.instance_id = st.text(2);
  r.reg_id = static_cast<std::uint32_t>(st.int64(3));
  r.transport = st.text(4);
  r.received_address = st.text(5);
  r.received_port = static_cast<std::uint16_t>(st.int64(6));
  r.path = st.text(7);
  r.q = st.real(8);
  r.call_id = st.text(9);
  r.cseq = static_cast<std::uint32_t>(st.int64(10));
  r.expires_at = st.int64(11);
  r.updated_at = st.int64(12);
  r.user_agent = st.text(13);
  return r;
}

}  // namespace

StoreStatus SqliteRegistrationRepository::save(const Registration& r) {
  // RFC 3261 10.3 step 7: a binding for the same contact is updated in place.
  auto st = db_.prepare(
      "INSERT INTO registrations (account_id, contact, instance_id, reg_id, transport,"
      " received_address, received_port, path, q, call_id, cseq, expires_at, updated_at,"
      " user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
      " ON CONFLICT (account_id, contact) DO UPDATE SET instance_id = excluded.instance_id,"
      " reg_id = excluded.reg_id, transport = excluded.transport,"
      " received_address = excluded.received_address, received_port = excluded.received_port,"
      " path = excluded.path, q = excluded.q, call_id = excluded.call_id, cseq = excluded.cseq,"
      " expires_at = excluded.expires_at, updated_at = excluded.updated_at,"
      " user_agent = excluded.user_agent");
  st.bind_int(1, sql_id(r.account_id)).bind_text(2, r.contact).bind_text(3, r.instance_id);
  st.bind_int(4, r.reg_id).bind_text(5, r.transport).bind_text(6, r.received_address);
  st.bind_int(7, r.received_port).bind_text(8, r.path).bind_real(9, r.q);
  st.bind_text(10, r.call_id).bind_int(11, r.cseq).bind_int(12, r.expires_at);
  st.bind_int(13, r.updated_at).bind_text(14, r.user_agent);
  if (int rc = st.step(); rc != SQLITE_DONE) {
    auto e = db_.error(rc, "save registration");
    if (e.code == StoreErrorCode::NotFound) {
      e.message = "no SIP account id " + std::to_string(r.account_id.value());
    }
    return fail(std::move(e));
  }
  return Ok{};
}

StoreStatus SqliteRegistrationRepository::remove(AccountId account, std::string_view contact) {
  auto st = db_.prepare("DELETE FROM registrations WHERE account_id = ?1 AND contact = ?2");
  st.bind_int(1, sql_id(account)).bind_text(2, contact);
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove registration"));
  return Ok{};
}

StoreStatus SqliteRegistrationRepository::remove_all_for_account(AccountId account) {
  auto st = db_.prepare("DELETE FROM registrations WHERE account_id = ?1");
  st.bind_int(1, sql_id(account));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove registrations"));
  return Ok{};
}

StoreResult<std::vector<Registration>> SqliteRegistrationRepository::load_all() {
  auto st = db_.prepare(
      "SELECT account_id, contact, instance_id, reg_id, transport, received_address,"
      " received_port, path, q, call_id, cseq, expires_at, updated_at, user_agent"
      " FROM registrations ORDER BY account_id, contact");
  return db_.rows(st, "load registrations", [&] { return read_registration(st); });
}

StoreResult<std::uint64_t> SqliteRegistrationRepository::delete_expired(std::int64_t now) {
  auto st = db_.prepare("DELETE FROM registrations WHERE expires_at <= ?1");
  st.bind_int(1, now);
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "delete expired"));
  return static_cast<std::uint64_t>(db_.changes());
}

}  // namespace parley::store::sqlite
