"""Sample data: the brief's seed and a generator of realistic synthetic chats for benchmarks and demos."""
