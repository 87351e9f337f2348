"""Who may do what: tenants (pemda), the caller of a request, rights, scope, and the audit trail."""
