"""Staff account pages: sign-in, second factor, passwords, API tokens, and the director's staff pages."""
