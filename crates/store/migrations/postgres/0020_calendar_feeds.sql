-- Calendar feeds (iCalendar by a secret address). A feed is a session of the channel 'calendar',
-- so that «Завершить все сеансы», a password change and deactivation end it as they end any
-- session; the secret itself is kept sealed with the server key, so the person can be shown
-- their address again.
CREATE TABLE calendar_feeds (
    session_id BIGINT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    sealed_secret TEXT NOT NULL
);

-- One feed per person: two first requests at once must end with one address.
CREATE UNIQUE INDEX sessions_one_calendar_feed ON sessions(account_id) WHERE channel = 'calendar';
