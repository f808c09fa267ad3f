"""What the pages share: data and models loaded once, charts, language, views."""
