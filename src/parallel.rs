//! Running independent work on all cores, with results in input order (so output stays
//! deterministic whatever the scheduling).

use std::sync::atomic::{AtomicUsize, Ordering};

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

#[cfg(test)]
mod tests {

    #[test]
    fn doc_examples() {
        {
            let squares = crate::parallel::map_in_order(&[1, 2, 3, 4], |n| n * n);
            assert_eq!(squares, [1, 4, 9, 16]);
        }
    }
}
