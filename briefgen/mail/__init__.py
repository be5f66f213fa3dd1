"""Mailing briefs: who gets which audience's brief (recipients), the message (message, letters),
the SMTP transport that accounts for every recipient from the server's replies (smtp), and the
send log that is never wrong about who got what (sendlog, delivery).
"""
