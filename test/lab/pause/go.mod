module kubectl-egress.local/lab/pause

go 1.24
