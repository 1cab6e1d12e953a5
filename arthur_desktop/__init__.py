"""Arthur Desktop: agent performance, chats, transcripts and End chat for contact-centre managers."""

__version__ = "0.1.0"
