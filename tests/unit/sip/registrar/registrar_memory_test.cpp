// Heap footprint of the binding store per registered contact, the figure the
// benchmark compares with Kamailio's usrloc (bench/RESULTS.md: ~1,143 B per
// contact in Kamailio's shared memory). 100,000 accounts register one UDP
// contact each, as SIPp's register.xml does; glibc's mallinfo2 counts the
// bytes in use before and after.
#include "sip/registrar/registrar.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <string>

#include "sip/message/parser.hpp"

namespace parley::sip::registrar {
namespace {

using namespace std::chrono_literals;

Message sipp_register(int i) {
  const std::string user = "user" + std::to_string(i);
  const std::string text =
      "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-1234-" + std::to_string(i) + "-2\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:" + user + "@127.0.0.1>;tag=1234SIPpTag" + std::to_string(i) + "\r\n"
      "To: <sip:" + user + "@127.0.0.1>\r\n"
      "Call-ID: " + std::to_string(i) + "-1234@127.0.0.1\r\n"
      "CSeq: 2 REGISTER\r\n"
      "Contact: <sip:" + user + "@127.0.0.1:5081>\r\n"
      "Expires: 3600\r\n"
      "Content-Length: 0\r\n\r\n";
  auto m = parse_message(text, Framing::Datagram);
  return m.ok() ? std::move(m).value() : Message{};
}

std::size_t heap_in_use() { return mallinfo2().uordblks; }

TEST(RegistrarMemory, BytesPerContactFor100kRegistrations) {
  constexpr int kContacts = 100000;
  const TimePoint now = TimePoint{} + 1000h;
  const Source source{"UDP", "127.0.0.1", 5080, 0};
  auto registrar = std::make_unique<Registrar>();
  std::size_t registered = 0;
  const std::size_t before = heap_in_use();
  for (int i = 1; i <= kContacts; ++i) {
    const Message m = sipp_register(i);
    const std::string user = "user" + std::to_string(i);
    RequestContext ctx{user, source};
    registered += registrar->handle_register(m, ctx, now).status == 200 ? 1 : 0;
  }
  const std::size_t after = heap_in_use();
  ASSERT_EQ(registered, static_cast<std::size_t>(kContacts));
  ASSERT_EQ(registrar->binding_count(), static_cast<std::size_t>(kContacts));
  const double per_contact = static_cast<double>(after - before) / kContacts;
  std::printf("registrar heap per contact: %.0f B (sizeof(Binding) = %zu B)\n", per_contact,
              sizeof(Binding));
  // Kamailio's usrloc takes about 1,143 B per contact; the registrar is only
  // part of Parley's figure (transactions and the store add to it).
  EXPECT_LT(per_contact, 800.0);
  // Freeing the registrar gives the memory back (nothing leaks per contact).
  registrar.reset();
  EXPECT_LT(heap_in_use(), before + 64 * 1024);
}

}  // namespace
}  // namespace parley::sip::registrar
