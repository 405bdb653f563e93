//! Running independent work on all cores, with results in input order (so output stays
//! deterministic whatever the scheduling).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};

/// `items.iter().map(work).collect()`, on as many threads as there are cores.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let slot = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(slot) else { break };
                        done.push((slot, work(item)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(done) => done,
                // A panic in `work` is a bug; surface it rather than lose results silently.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_by_key(|(slot, _)| *slot);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Runs `work` on every item on as many threads as there are cores, and hands each result
/// to `sink` on the calling thread in input order, as soon as it and every earlier one are
/// done; so a long run keeps only the results waiting for an earlier, slower one.
///
/// Workers stay at most a few items per core ahead of the oldest unfinished item, which
/// bounds the results held at any time whatever the items' costs.
pub fn for_each_in_order<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(usize, R),
) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        for (index, item) in items.iter().enumerate() {
            sink(index, work(item));
        }
        return;
    }
    let window = 4 * workers;
    let next = AtomicUsize::new(0);
    // The index of the oldest result not yet handed to `sink`, and whether to stop (a
    // worker panicked).
    let progress = Mutex::new((0usize, false));
    let advanced = Condvar::new();
    let (send, receive) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    let mut panicked = None;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (next, progress, advanced, work) = (&next, &progress, &advanced, &work);
            scope.spawn(move || {
                loop {
                    let slot = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(slot) else { break };
                    let mut state = progress.lock().unwrap_or_else(PoisonError::into_inner);
                    while slot >= state.0 + window && !state.1 {
                        state = advanced.wait(state).unwrap_or_else(PoisonError::into_inner);
                    }
                    if state.1 {
                        break;
                    }
                    drop(state);
                    let result = std::panic::catch_unwind(AssertUnwindSafe(|| work(item)));
                    if send.send((slot, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut oldest = 0;
        for (slot, result) in &receive {
            match result {
                Ok(result) => {
                    waiting.insert(slot, result);
                }
                Err(panic) => {
                    panicked = Some(panic);
                    break;
                }
            }
            while let Some(result) = waiting.remove(&oldest) {
                sink(oldest, result);
                oldest += 1;
            }
            progress.lock().unwrap_or_else(PoisonError::into_inner).0 = oldest;
            advanced.notify_all();
        }
        if panicked.is_some() {
            progress.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
            advanced.notify_all();
            drop(receive);
        }
    });
    // A panic in `work` is a bug; surface it rather than lose results silently.
    if let Some(panic) = panicked {
        std::panic::resume_unwind(panic);
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn results_reach_the_sink_in_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        super::for_each_in_order(
            &items,
            |n| {
                // Early items are slow, so later ones finish first.
                std::thread::sleep(std::time::Duration::from_micros(200u64.saturating_sub(*n)));
                n * 2
            },
            |index, double| seen.push((index, double)),
        );
        let expected: Vec<(usize, u64)> = (0..200).map(|n| (n as usize, n * 2)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller_instead_of_a_hang() {
        let items: Vec<u32> = (0..100).collect();
        let outcome = std::panic::catch_unwind(|| {
            super::for_each_in_order(
                &items,
                |n| {
                    assert!(*n != 3, "item three");
                    *n
                },
                |_, _| {},
            );
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn doc_examples() {
        {
            let mut seen = Vec::new();
            crate::parallel::for_each_in_order(
                &[1, 2, 3, 4],
                |n| n * n,
                |index, square| seen.push((index, square)),
            );
            assert_eq!(seen, [(0, 1), (1, 4), (2, 9), (3, 16)]);
        }
        {
            let squares = crate::parallel::map_in_order(&[1, 2, 3, 4], |n| n * n);
            assert_eq!(squares, [1, 4, 9, 16]);
        }
    }
}
