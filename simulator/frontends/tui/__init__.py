"""The trainee's Textual front end: home, play, debrief, help and dialogs."""
