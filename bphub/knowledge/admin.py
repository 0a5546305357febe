# Resources are not in the Django admin: every read of a restricted or secretariat record must go
# through the policy and the audit log, which the admin bypasses. The app's pages are the interface.
