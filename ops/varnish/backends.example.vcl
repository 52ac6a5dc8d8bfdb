# Copy to backends.vcl and name your instances. default.vcl includes it.
backend app1 {
    .host = "127.0.0.1";
    .port = "3000";
}
backend app2 {
    .host = "127.0.0.1";
    .port = "3001";
}

sub vcl_init {
    new origin = directors.round_robin();
    origin.add_backend(app1);
    origin.add_backend(app2);
}
