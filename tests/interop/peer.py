"""A real WordPress 6.1 (Debian's packages) on loopback, as the peer of the interop suite.

`WordPress.start()` runs private instances, nothing system-wide: a `mariadbd` with its own data
directory (no TCP, a Unix socket), `php-fpm8.2` with one pool on a Unix socket and
`nginx -c <own config>` on 127.0.0.1:<free port>, all in one temporary folder and stopped by their
pid files in `stop()`. The only file outside that folder is WordPress's host config,
`/etc/wordpress/config-backchannel-interop-<port>.php`, picked by the `WORDPRESS_CONFIG` FastCGI
parameter (and by `php()` for scripts) and removed on `stop()`. WordPress is installed from PHP
(`wp_install()`, options as a useful peer: pretty permalinks, comments and pings open, nothing held
for moderation, no flood control), with a must-use plugin that lets it fetch loopback sources on
any port and refuses every request not addressed to 127.0.0.1 (the rest of the internet).
Facts behind each choice: /work/shared/reference/wordpress-peer.md. `make test-interop` installs
the packages (`scripts/ensure-system-packages`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.stack import free_port, wait_for

WORDPRESS = Path("/usr/share/wordpress")
THEMES = WORDPRESS / "wp-content" / "themes"
CONFIG_DIR = Path("/etc/wordpress")
MARIADBD = Path("/usr/sbin/mariadbd")
INSTALL_DB = Path("/usr/bin/mariadb-install-db")
MARIADB = Path("/usr/bin/mariadb")
PHP_FPM = Path("/usr/sbin/php-fpm8.2")
PHP = Path("/usr/bin/php")
NGINX = Path("/usr/sbin/nginx")
NEEDED = (WORDPRESS / "wp-load.php", THEMES / "twentytwentyone", MARIADBD, INSTALL_DB, MARIADB, PHP_FPM, PHP, NGINX)
PACKAGES = "wordpress wordpress-theme-twentytwentyone mariadb-server mariadb-client php-fpm php-mysql php-xml php-mbstring php-curl nginx"  # noqa: E501
TITLE = "Peer Blog"
ADMIN, PASSWORD = "admin", "interop-admin-password"

# The two filters WordPress needs to fetch a loopback source on another port, the outside world
# refused, and the comment flood check off (pings from one address come seconds apart here).
MU_PLUGIN = """<?php
/* Plugin Name: Backchannel interop peer */
function interop_loopback( $host ) {
    return $host === 'localhost' || (bool) preg_match( '/^127\\.\\d+\\.\\d+\\.\\d+$/', (string) $host );
}
add_filter( 'http_request_host_is_external', function ( $external, $host ) {
    return $external || interop_loopback( $host );
}, 10, 2 );
add_filter( 'http_allowed_safe_ports', function ( $ports, $host, $url ) {
    $port = parse_url( $url, PHP_URL_PORT );
    if ( $port && interop_loopback( $host ) ) { $ports[] = (int) $port; }
    return $ports;
}, 10, 3 );
add_filter( 'pre_http_request', function ( $answer, $args, $url ) {
    return interop_loopback( parse_url( $url, PHP_URL_HOST ) )
        ? $answer : new WP_Error( 'offline', 'The interop peer reaches loopback only.' );
}, 10, 3 );
remove_filter( 'comment_flood_filter', 'wp_throttle_comment_flood', 10 );
add_action( 'wp_feed_options', function ( $feed ) { $feed->enable_cache( false ); } );
function wp_new_blog_notification() {}
"""

FASTCGI_PARAMS = """
fastcgi_param QUERY_STRING $query_string;
fastcgi_param REQUEST_METHOD $request_method;
fastcgi_param CONTENT_TYPE $content_type;
fastcgi_param CONTENT_LENGTH $content_length;
fastcgi_param SCRIPT_NAME $fastcgi_script_name;
fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
fastcgi_param REQUEST_URI $request_uri;
fastcgi_param DOCUMENT_URI $document_uri;
fastcgi_param DOCUMENT_ROOT $document_root;
fastcgi_param SERVER_PROTOCOL $server_protocol;
fastcgi_param REQUEST_SCHEME $scheme;
fastcgi_param GATEWAY_INTERFACE CGI/1.1;
fastcgi_param SERVER_SOFTWARE nginx;
fastcgi_param REMOTE_ADDR $remote_addr;
fastcgi_param REMOTE_PORT $remote_port;
fastcgi_param SERVER_ADDR $server_addr;
fastcgi_param SERVER_PORT $server_port;
fastcgi_param SERVER_NAME $server_name;
fastcgi_param REDIRECT_STATUS 200;
# Debian's fastcgi_params say `$host`, which drops the port: WordPress would redirect every page to itself.
fastcgi_param HTTP_HOST $host:$server_port;
"""


def missing() -> str:
    """Why this machine cannot run the peer, or an empty string."""
    if os.geteuid() != 0:
        return "the WordPress peer runs mariadbd, php-fpm and PHP scripts as their own users, which needs root"
    absent = [str(path) for path in NEEDED if not path.exists()]
    if absent:
        return f"Debian's WordPress packages are not installed ({', '.join(absent)}); apt-get install {PACKAGES}"
    return ""


@dataclass
class WordPress:
    root: Path
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    @property
    def config_name(self) -> str:
        return f"backchannel-interop-{self.port}"

    @property
    def config_file(self) -> Path:
        return CONFIG_DIR / f"config-{self.config_name}.php"

    @classmethod
    def start(cls) -> WordPress:
        root = Path(tempfile.mkdtemp(prefix="backchannel-wordpress-"))
        root.chmod(0o755)
        peer = cls(root=root)
        try:
            peer._database()
            peer._site_files()
            peer._php_fpm()
            peer._nginx()
            peer._install()
        except BaseException:
            peer.stop(keep=True)
            raise
        return peer

    # --- the pieces -------------------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str]) -> None:
        with open(self.root / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )

    def _alive(self, name: str) -> bool:
        process = self.processes[name]
        if process.poll() is not None:
            log = (self.root / f"{name}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{name} exited ({process.returncode}):\n{log}")
        return True

    def _database(self) -> None:
        data, run = self.root / "mysql", self.root / "run"
        for folder in (data, run):
            folder.mkdir()
            shutil.chown(folder, "mysql", "mysql")
        run.chmod(0o755)
        subprocess.run(
            [str(INSTALL_DB), "--no-defaults", f"--datadir={data}", "--user=mysql", "--skip-test-db",
             "--auth-root-authentication-method=socket"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.socket = run / "mysql.sock"
        self._spawn(
            "mariadb",
            [str(MARIADBD), "--no-defaults", f"--datadir={data}", f"--socket={self.socket}",
             f"--pid-file={run / 'mariadb.pid'}", "--skip-networking", "--user=mysql",
             "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin"],
        )  # fmt: skip
        wait_for(lambda: self._alive("mariadb") and self.socket.exists(), 60, "mariadbd taking connections")
        self.sql(
            "CREATE DATABASE wordpress CHARACTER SET utf8mb4; "
            "CREATE USER 'wordpress'@'localhost' IDENTIFIED BY 'wordpress'; "
            "GRANT ALL ON wordpress.* TO 'wordpress'@'localhost';"
        )

    def sql(self, statements: str) -> str:
        return subprocess.run(
            [str(MARIADB), "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-e", statements],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip

    def _site_files(self) -> None:
        content = self.root / "wp-content"
        for folder in ("mu-plugins", "uploads", "plugins", "upgrade"):
            (content / folder).mkdir(parents=True)
        (content / "themes").symlink_to(THEMES)
        (content / "mu-plugins" / "interop.php").write_text(MU_PLUGIN)
        for path in [content, *content.rglob("*")]:
            if not path.is_symlink():
                shutil.chown(path, "www-data", "www-data")
        salts = "\n".join(
            f"define('{key}', 'interop-{key.lower()}-{self.port}');"
            for key in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                        "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
        )  # fmt: skip
        self.config_file.write_text(
            textwrap.dedent(f"""\
            <?php
            define('DB_NAME', 'wordpress');
            define('DB_USER', 'wordpress');
            define('DB_PASSWORD', 'wordpress');
            define('DB_HOST', 'localhost:{self.socket}');
            define('WP_HOME', '{self.url}');
            define('WP_SITEURL', '{self.url}');
            define('WP_CONTENT_DIR', '{content}');
            define('WP_DEFAULT_THEME', 'twentytwentyone');
            define('DISABLE_WP_CRON', true);
            define('WP_HTTP_BLOCK_EXTERNAL', true);
            define('AUTOMATIC_UPDATER_DISABLED', true);
            define('WP_DEBUG', false);
            """)
            + salts
            + "\n"
        )

    def _php_fpm(self) -> None:
        run = self.root / "run"
        self.fpm_socket = run / "php-fpm.sock"
        config = self.root / "php-fpm.conf"
        config.write_text(
            textwrap.dedent(f"""\
            [global]
            pid = {run / "php-fpm.pid"}
            error_log = {self.root / "php-fpm-errors.log"}
            daemonize = no
            [wordpress]
            user = www-data
            group = www-data
            listen = {self.fpm_socket}
            listen.mode = 0666
            pm = static
            pm.max_children = 4
            catch_workers_output = yes
            """)
        )
        self._spawn("php-fpm", [str(PHP_FPM), "--nodaemonize", "--fpm-config", str(config)])
        wait_for(lambda: self._alive("php-fpm") and self.fpm_socket.exists(), 30, "php-fpm listening")

    def _nginx(self) -> None:
        (self.root / "nginx").mkdir()
        (self.root / "fastcgi_params").write_text(FASTCGI_PARAMS)
        config = self.root / "nginx.conf"
        config.write_text(
            textwrap.dedent(f"""\
            daemon off;
            worker_processes 1;
            pid {self.root / "run" / "nginx.pid"};
            error_log {self.root / "nginx-errors.log"};
            events {{ worker_connections 64; }}
            http {{
                include /etc/nginx/mime.types;
                access_log {self.root / "nginx-access.log"};
                client_body_temp_path {self.root / "nginx"};
                fastcgi_temp_path {self.root / "nginx"};
                proxy_temp_path {self.root / "nginx"};
                uwsgi_temp_path {self.root / "nginx"};
                scgi_temp_path {self.root / "nginx"};
                server {{
                    listen 127.0.0.1:{self.port};
                    root {WORDPRESS};
                    index index.php;
                    location /wp-content/ {{ alias {self.root / "wp-content"}/; }}
                    location / {{ try_files $uri $uri/ /index.php?$args; }}
                    location ~ \\.php$ {{
                        try_files $uri =404;
                        include {self.root / "fastcgi_params"};
                        fastcgi_param WORDPRESS_CONFIG {self.config_name};
                        fastcgi_pass unix:{self.fpm_socket};
                    }}
                }}
            }}
            """)
        )
        self._spawn("nginx", [str(NGINX), "-e", str(self.root / "nginx-errors.log"), "-c", str(config)])
        wait_for(lambda: self._alive("nginx") and _answers(self.url + "/readme.html"), 30, "nginx answering")

    def _install(self) -> None:
        self.php(
            f"""
            require_once ABSPATH . 'wp-admin/includes/upgrade.php';
            wp_install({json.dumps(TITLE)}, '{ADMIN}', 'admin@peer.invalid', true, '', '{PASSWORD}');
            switch_theme('twentytwentyone');
            $options = [
                'permalink_structure' => '/%year%/%monthnum%/%postname%/',
                'default_comment_status' => 'open', 'default_ping_status' => 'open',
                'default_pingback_flag' => 1, 'thread_comments' => 1, 'thread_comments_depth' => 5,
                'comment_previously_approved' => 0, 'comment_moderation' => 0, 'page_comments' => 0,
                'comments_notify' => 0, 'moderation_notify' => 0, 'blogdescription' => 'A WordPress next door',
                'comment_registration' => 0, 'require_name_email' => 1, 'close_comments_for_old_posts' => 0,
            ];
            foreach ($options as $name => $value) {{ update_option($name, $value); }}
            flush_rewrite_rules(true);
            """,
            installing=True,
        )

    # --- driving it -------------------------------------------------------------------------------

    def php(self, code: str, *, installing: bool = False) -> object:
        """Run ``code`` inside WordPress as www-data (as wp-cron.php or wp-cli would); what it
        assigns to ``$result`` comes back, JSON-decoded."""
        script = self.root / "script.php"
        script.write_text(
            "<?php\n"
            + ("define('WP_INSTALLING', true);\n" if installing else "")
            + f"$_SERVER['HTTP_HOST'] = '{self.host}';\n"
            + f"$_SERVER['WORDPRESS_CONFIG'] = '{self.config_name}';\n"
            + f"$_SERVER['REQUEST_URI'] = '/'; $_SERVER['SERVER_PORT'] = '{self.port}';\n"
            + "$result = null;\n"
            + f"require '{WORDPRESS / 'wp-load.php'}';\n"
            + textwrap.dedent(code)
            + '\nfwrite(STDOUT, "\\n--interop-result--\\n" . json_encode($result));\n'
        )
        script.chmod(0o644)
        done = subprocess.run(
            ["runuser", "-u", "www-data", "--", str(PHP), str(script)], capture_output=True, text=True, timeout=120
        )
        head, marker, result = done.stdout.rpartition("\n--interop-result--\n")
        if done.returncode != 0 or not marker:
            raise RuntimeError(f"PHP failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return json.loads(result)

    def publish(self, title: str, content: str, **fields) -> dict:
        """A published post (`wp_insert_post`, as the editor's Publish does): its id and permalink."""
        post = {"post_title": title, "post_content": content, "post_status": "publish", "post_author": 1, **fields}
        return self.php(
            f"""
            $id = wp_insert_post(json_decode({json.dumps(json.dumps(post))}, true), true);
            if (is_wp_error($id)) {{ fwrite(STDERR, $id->get_error_message()); exit(1); }}
            $result = ['id' => $id, 'url' => get_permalink($id)];
            """
        )

    def do_pings(self) -> int:
        """WordPress's own `do_pings`, run as wp-cron.php would for each due event (cron is off)."""
        return self.php(
            """
            $ran = 0;
            foreach (_get_cron_array() as $timestamp => $hooks) {
                foreach ($hooks['do_pings'] ?? [] as $event) {
                    wp_unschedule_event($timestamp, 'do_pings', $event['args']);
                    do_action_ref_array('do_pings', $event['args']);
                    $ran++;
                }
            }
            $result = $ran;
            """
        )

    def xmlrpc(self) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc.php")

    def comments(self, post_id: int) -> list[dict]:
        """The post's comments, pingbacks and trackbacks as the admin reads them over XML-RPC."""
        return self.xmlrpc().wp.getComments(1, ADMIN, PASSWORD, {"post_id": post_id, "number": 1000})

    # --- stopping ---------------------------------------------------------------------------------

    def stop(self, keep: bool = False) -> None:
        """Stop nginx, php-fpm and mariadbd by their pid files; remove the host config and, unless
        ``keep`` (a failed start, for its logs), the folder."""
        run = self.root / "run"
        for name, pid_file in (("nginx", "nginx.pid"), ("php-fpm", "php-fpm.pid"), ("mariadb", "mariadb.pid")):
            _stop(run / pid_file, self.processes.get(name))
        self.config_file.unlink(missing_ok=True)
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


def _stop(pid_file: Path, process: subprocess.Popen | None) -> None:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        pid = process.pid if process is not None and process.poll() is None else None
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if process is not None and process.pid == pid:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            process.wait()
    else:
        wait_for(lambda: not _running(pid), 30, f"process {pid} stopping")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code < 500
    except httpx.TransportError:
        return False
