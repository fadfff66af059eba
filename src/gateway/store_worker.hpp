// The store thread (ARCHITECTURE.md): one thread with its own io_context that
// owns the Store while the server runs. The core posts jobs (writes of
// registration changes) and gets results posted back; the worker also polls
// for commits made by other processes (the command line) and reports a fresh
// directory. Owned by serve(). Thread: created on main, runs `store`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "store/store.hpp"

namespace parley::gateway {

class StoreWorker {
 public:
  explicit StoreWorker(std::unique_ptr<store::Store> store);
  ~StoreWorker();
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Runs `job` on the store thread, in posting order.
  void post(std::function<void(store::Store&)> job);
  // Every `interval`, if another connection committed, loads the directory
  // and hands it to `on_change` (called on the store thread).
  void watch_directory(std::chrono::milliseconds interval,
                       std::function<void(store::Directory)> on_change);
  // Also runs `job` (on the store thread) whenever the watch notices another
  // connection's commit, after the directory was handed over.
  void on_outside_change(std::function<void(store::Store&)> job);
  // Runs every job posted so far, then ends the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::gateway
