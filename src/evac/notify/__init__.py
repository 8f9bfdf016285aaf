"""Messages to evacuees: templates in English, Dari and Pashto, channels, the outbox worker."""
