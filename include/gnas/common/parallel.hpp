#pragma once

// Work items spread over a few threads: label trainings on several devices, or several at once on
// one device (ngpu, trainings_per_device).

#include <cstddef>
#include <functional>

namespace gnas {

/// Calls work(item, worker) for every item in [0, items) on `workers` threads (worker in
/// [0, workers)); each thread takes the next item when it is done with one. With one worker the
/// calls run in the calling thread, in item order. The first exception a call throws stops the
/// hand-out of further items; the calls under way finish, then that exception is rethrown (the
/// others' are dropped).
void for_each_concurrently(std::size_t items, int workers,
                           const std::function<void(std::size_t item, int worker)>& work);

}  // namespace gnas
