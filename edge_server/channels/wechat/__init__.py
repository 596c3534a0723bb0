"""WeChat Official Account (公众号): push webhook, safe-mode crypto, customer-service API, fake platform."""
