"""What each screen shows, without Textual: the scene a lesson sets up and one session per screen."""
