#include "gateway/store_worker.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"

namespace parley::gateway {
namespace {

namespace fs = std::filesystem;

class StoreWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("parley-store-worker-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// A directory watch whose wait had already completed when stop() cancelled
// it used to arm itself again, so the store thread never ran out of work and
// stop() never returned (a shutdown hang seen once in ~45 interop runs). With
// a 0 ms interval that window is open nearly all the time.
TEST_F(StoreWorkerTest, StopReturnsWhileTheWatchKeepsFiring) {
  for (int round = 0; round < 20; ++round) {
    auto worker = std::make_shared<StoreWorker>(store::sqlite::open_sqlite_store(dir_ / "parley.db"));
    std::atomic<bool> watching{false};
    worker->post([&](store::Store&) { watching = true; });
    worker->watch_directory(std::chrono::milliseconds(0), [](store::Directory) {});
    auto stopped = std::async(std::launch::async, [worker] { worker->stop(); });
    if (stopped.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      // The hung store thread cannot be joined: end the process as failed
      // rather than hang in the future's destructor until CTest's timeout.
      std::fprintf(stderr, "stop() hung in round %d\n", round);
      std::_Exit(1);
    }
    EXPECT_TRUE(watching);
  }
}

TEST_F(StoreWorkerTest, JobsPostedBeforeStopAllRun) {
  StoreWorker worker(store::sqlite::open_sqlite_store(dir_ / "parley.db"));
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) worker.post([&](store::Store&) { ++ran; });
  worker.stop();
  EXPECT_EQ(ran.load(), 100);
}

}  // namespace
}  // namespace parley::gateway
