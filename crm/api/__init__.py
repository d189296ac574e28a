"""The API's shared pieces, one module per concern; REST_FRAMEWORK in the settings names them."""
