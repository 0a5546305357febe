"""Authorization-matrix registrations for this part of the directory."""
