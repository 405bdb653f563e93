//! Offline validation of Kubernetes objects: schema, removed APIs, API-server rules and
//! cross-object checks.
