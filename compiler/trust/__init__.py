"""Trust: what lets the committee's approvals be verified (SSH signatures, OpenSSH SSHSIG)."""
