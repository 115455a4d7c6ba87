//! Output into a pipe whose reader went away (`| head -1`): every command ends quietly.

use std::io;
use std::os::fd::AsFd;

/// True when `err`, or an error it wraps, is a write into a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// True when nobody reads `out` any more (the reading end of its pipe is closed, or its
/// terminal hung up). A follower that has nothing to write asks this to end by itself.
pub fn reader_gone(out: impl AsFd) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut fds = [PollFd::new(out.as_fd(), PollFlags::POLLOUT)];
    match poll(&mut fds, PollTimeout::ZERO) {
        Ok(_) => fds[0]
            .revents()
            .is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_without_reader_is_seen() {
        let (reader, writer) = std::io::pipe().unwrap();
        assert!(!reader_gone(&writer));
        drop(reader);
        assert!(reader_gone(&writer));
        let e = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing");
        assert!(is_broken_pipe(&e));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
