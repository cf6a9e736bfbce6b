// Unit tests never touch the developer's data folder or generate secrets there.
process.env.LOG_LEVEL ??= 'silent'
process.env.COOKIE_SECRET ??= 'unit-test-cookie-secret-0123456789abcdef'
process.env.KEY_ENCRYPTION_SECRET ??= 'unit-test-key-encryption-secret-0123456789'
