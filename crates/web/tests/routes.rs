//! Every route of the router's own list, asked without a session or a token: the
//! public ones answer, every other one refuses (401 for the API, a redirect to
//! the login page for pages). A route added later is in the list, so it is
//! walked too; one added past the list would be a 404 here and fail.

use std::os::unix::fs::PermissionsExt;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use tower::ServiceExt;

fn app() -> (tempfile::TempDir, std::sync::Arc<npbackup_web::App>) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("npbackup.toml");
    std::fs::write(dir.path().join("password"), "a-password\n").unwrap();
    std::fs::write(
        &config,
        format!(
            "[repos.default]\nuri = \"{}\"\npassword-file = \"{}\"\n",
            dir.path().join("repo").display(),
            dir.path().join("password").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let app = npbackup_web::App::new(config, false).expect("app");
    (dir, app)
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "x" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_but_the_public_ones_refuses_without_a_session_or_token() {
    let (_dir, app) = app();
    let (router, routes) = npbackup_web::router(app);
    assert!(routes.len() >= 15, "{routes:?}");
    let mut walked = 0;
    for route in &routes {
        for method in &route.methods {
            let uri = concrete(route.path);
            let request = Request::builder()
                .method(method.clone())
                .uri(&uri)
                .body(Body::empty())
                .unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let to_login = response
                .headers()
                .get(header::LOCATION)
                .is_some_and(|l| l == "/login");
            assert_ne!(
                status,
                StatusCode::NOT_FOUND,
                "{method} {uri} is not routed"
            );
            if route.public {
                assert!(
                    status != StatusCode::UNAUTHORIZED && !to_login,
                    "{method} {uri} is public but refused: {status}"
                );
            } else if uri.starts_with("/api/") {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}");
            } else {
                assert!(
                    status == StatusCode::SEE_OTHER && to_login,
                    "{method} {uri} answered {status} without a session"
                );
            }
            walked += 1;
        }
    }
    assert!(walked > routes.len(), "GET and POST of /login both walked");
}

#[tokio::test]
async fn a_forged_session_or_token_is_refused_like_none() {
    let (_dir, app) = app();
    let (router, _) = npbackup_web::router(app);
    for (name, value) in [
        (header::COOKIE, "npbackup_session=forged"),
        (header::AUTHORIZATION, "Bearer npb_forged"),
        (header::AUTHORIZATION, "Basic YWRtaW46YWRtaW4="),
    ] {
        let request = Request::builder()
            .method(Method::GET)
            .uri("/api/v1/repos")
            .header(name.clone(), value)
            .body(Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{name}: {value}"
        );
    }
}
