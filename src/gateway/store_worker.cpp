#include "gateway/store_worker.hpp"

#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/log.hpp"

namespace parley::gateway {

namespace asio = boost::asio;

struct StoreWorker::Impl {
  std::unique_ptr<store::Store> store;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  asio::steady_timer watch_timer{io};
  std::chrono::milliseconds watch_interval{0};
  std::function<void(store::Directory)> on_change;
  std::vector<std::function<void(store::Store&)>> also_on_change;
  std::int64_t seen_version = 0;
  bool watch_ended = false;  // store thread only
  std::thread thread;
  bool stopped = false;
  std::shared_ptr<spdlog::logger> log = log::get("store");

  void arm_watch() {
    watch_timer.expires_after(watch_interval);
    watch_timer.async_wait([this](const boost::system::error_code& ec) {
      // A wait that completed just before stop()'s cancel ran must not arm
      // again: the store thread would never run out of work.
      if (ec || watch_ended) return;
      check_directory();
      arm_watch();
    });
  }

  void check_directory() {
    std::int64_t v = store->data_version();
    if (v == seen_version) return;
    seen_version = v;
    auto dir = store->load_directory();
    if (!dir) {
      log->error("event=directory-reload-failed error=\"{}\"", dir.error().message);
      return;
    }
    log->info("event=directory-reloaded users={} accounts={}", dir->users.size(),
              dir->accounts.size());
    on_change(std::move(*dir));
    for (auto& job : also_on_change) job(*store);
  }
};

StoreWorker::StoreWorker(std::unique_ptr<store::Store> store) : impl_(std::make_unique<Impl>()) {
  impl_->store = std::move(store);
  impl_->seen_version = impl_->store->data_version();
  impl_->thread = std::thread([impl = impl_.get()] {
    // A failing job must not end the thread with the database half-used:
    // log it and go on with the next.
    for (;;) {
      try {
        impl->io.run();
        return;
      } catch (const std::exception& e) {
        impl->log->error("event=store-job-failed error=\"{}\"", e.what());
      }
    }
  });
}

StoreWorker::~StoreWorker() { stop(); }

void StoreWorker::post(std::function<void(store::Store&)> job) {
  asio::post(impl_->io, [impl = impl_.get(), job = std::move(job)] { job(*impl->store); });
}

void StoreWorker::on_outside_change(std::function<void(store::Store&)> job) {
  asio::post(impl_->io, [impl = impl_.get(), job = std::move(job)]() mutable {
    impl->also_on_change.push_back(std::move(job));
  });
}

void StoreWorker::watch_directory(std::chrono::milliseconds interval,
                                  std::function<void(store::Directory)> on_change) {
  asio::post(impl_->io, [impl = impl_.get(), interval, cb = std::move(on_change)]() mutable {
    if (impl->watch_ended) return;
    impl->watch_interval = interval;
    impl->on_change = std::move(cb);
    impl->arm_watch();
  });
}

void StoreWorker::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  // Cancel the watch on the store thread, then let the queue run dry: every
  // write posted before stop() reaches the database.
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->watch_ended = true;
    impl->watch_timer.cancel();
  });
  impl_->guard.reset();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace parley::gateway
