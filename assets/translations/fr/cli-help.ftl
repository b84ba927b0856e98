# L'aide de la ligne de commande (`--help`) en français. L'anglais est dans les
# commentaires de documentation de clap (src/cli) ; ici, chaque commande et chaque
# argument qui a une aide a la sienne, sous une clé dérivée de son chemin :
#   help-root, help-backup, help-key-add            (la description d'une commande)
#   help-backup-long                               (sa description longue, si elle en a une)
#   help-backup-arg-tag, help-root-arg-config      (l'aide d'un argument ; -long pour la longue)
#   help-restore-arg-overwrite-value-never         (l'aide d'une valeur possible)
#   help-root-after                                (le texte après l'aide)
# Les clés help-clap-* sont les textes de clap lui-même. Un test refuse une commande
# ou un argument sans texte ici, et un texte qui ne nomme plus rien.

## Les textes de clap
help-clap-usage = Utilisation :
# clap écrit « : » après un titre : l'espace avant le deux-points est dans le titre
help-clap-commands = Commandes{" "}
help-clap-arguments = Arguments{" "}
help-clap-options = Options{" "}
help-clap-help = Afficher l'aide
help-clap-help-more = Afficher l'aide (plus de détails avec « --help »)
help-clap-help-summary = Afficher l'aide (un résumé avec « -h »)
help-clap-version = Afficher la version
help-clap-help-command = Afficher ce message ou l'aide des sous-commandes données
help-clap-default = par défaut : { $value }
help-clap-possible-values = valeurs possibles : { $values }
help-clap-possible-values-heading = Valeurs possibles :

## Le programme et ses options communes
help-root = { -product } : des sauvegardes chiffrées, dédupliquées, compatibles avec restic
help-root-after = Codes de sortie : 0 succès, 1 la vérification a répondu non, 2 ligne de commande, 3 configuration, 4 mot de passe, 5 dépôt non initialisé, 6 injoignable, 7 entrée refusée, 8 échec, 9 partiel (conflits), 10 dépôt verrouillé, 130 interrompu ou annulé.
help-root-arg-config = Fichier de configuration (par défaut : $NPBACKUP_CONFIG, puis le fichier de l'utilisateur, puis /etc)
help-root-arg-repo-name = Un dépôt nommé dans le fichier de configuration ; plusieurs, séparés par des virgules, passent l'un après l'autre
help-root-arg-group = Tous les dépôts de ce groupe, l'un après l'autre
help-root-arg-all = Tous les dépôts configurés, l'un après l'autre
help-root-arg-repository = Utiliser directement cet emplacement de dépôt, sans configuration (aussi $NPBACKUP_REPOSITORY ou $RESTIC_REPOSITORY)
help-root-arg-password-file = Lire le mot de passe dans ce fichier (aussi $NPBACKUP_PASSWORD_FILE, $RESTIC_PASSWORD_FILE)
help-root-arg-password-command = Lancer cette commande pour obtenir le mot de passe (aussi $NPBACKUP_PASSWORD_COMMAND, $RESTIC_PASSWORD_COMMAND)
help-root-arg-json = Écrire un seul document JSON sur la sortie standard au lieu de texte
help-root-arg-verbose = Plus de journal sur la sortie d'erreur (-v infos, -vv débogage)
help-root-arg-quiet = Seulement les erreurs sur la sortie d'erreur, pas de barre de progression
help-root-arg-no-progress = Ne jamais dessiner de barre de progression
help-root-arg-json-events = Écrire les événements de la tâche (started, progress, log, warning, finished) en lignes JSON sur la sortie standard pendant qu'elle tourne, exactement comme les reçoit une interface graphique
help-root-arg-wait = Quand une autre tâche écrit dans le dépôt, l'attendre au lieu de refuser
help-root-arg-timeout = Annuler une sauvegarde ou une restauration qui dure plus longtemps que cela ("2h")

## Les commandes
help-init = Créer le dépôt
help-init-arg-compression = "auto", "off", "max" ou un niveau zstd de 1 à 22 (par défaut : celui de la configuration, sinon auto)
help-init-arg-copy-chunker-params-from = Utiliser les paramètres de découpage de ce dépôt configuré, pour que `copy` entre les deux déduplique (le --copy-chunker-params de restic)
help-backup = Sauvegarder les chemins configurés, ou les chemins donnés
help-backup-arg-paths = Chemins à sauvegarder (par défaut : backup.paths de la configuration)
help-backup-arg-excludes = Laisser de côté les fichiers qui correspondent à ce motif (répétable)
help-backup-arg-iexcludes = Comme --exclude, sans tenir compte de la casse
help-backup-arg-exclude-files = Lire des motifs d'exclusion dans un fichier (un par ligne)
help-backup-arg-exclude-if-present = Laisser de côté les dossiers qui contiennent un fichier de ce nom
help-backup-arg-exclude-caches = Laisser de côté les dossiers qui ont un fichier CACHEDIR.TAG
help-backup-arg-one-file-system = Rester sur le système de fichiers de chaque chemin
help-backup-arg-exclude-larger-than = Laisser de côté les fichiers plus gros que cela ("500 MB")
help-backup-arg-host = Nom d'hôte enregistré dans l'instantané
help-backup-arg-scheduled = Faire une sauvegarde planifiée : attendre le random-delay du dépôt, et sauter quand un instantané de cet hôte a moins de minimum-backup-age
help-backup-arg-force = Avec --scheduled : sauvegarder même quand la dernière sauvegarde est récente
help-backup-arg-stdin = Sauvegarder l'entrée standard de ce programme (par exemple `pg_dump db` envoyé dans `backup --stdin`)
help-backup-arg-stdin-command = Sauvegarder la sortie de cette commande ; une commande qui échoue ne laisse aucun instantané
help-backup-arg-stdin-filename = Le nom de fichier que prend le flux dans l'instantané (par défaut "stdin")
help-backup-arg-time = Enregistrer cette date au lieu de maintenant (par exemple pour importer d'anciennes données) : "2024-05-01 10:00:00"
help-backup-arg-dry-run = Montrer ce qui serait sauvegardé, ne rien écrire
help-snapshots = Lister les instantanés
help-ls = Lister les fichiers d'un instantané (un niveau sauf avec --recursive)
help-ls-arg-snapshot = Identifiant de l'instantané (ou ses premiers caractères), ou `latest`
help-ls-arg-path = Dossier dans l'instantané
help-find = Chercher des fichiers par nom ou motif dans tous les instantanés
help-find-arg-pattern = Un motif sur le nom entier (`*.pdf` ; `notes.txt` est ce nom seulement), ou sur le chemin complet s'il contient un `/` (`/home/*/notes.txt`), comme le find de restic
help-find-arg-ignore-case = Ne pas distinguer majuscules et minuscules
help-restore = Restaurer un instantané (ou une partie) dans un dossier
help-restore-arg-snapshot = Identifiant de l'instantané (ou ses premiers caractères), ou `latest` ; `ID:CHEMIN` restaure le contenu du dossier CHEMIN de l'instantané directement dans la cible
help-restore-arg-target = Dossier où restaurer (créé s'il manque)
help-restore-arg-includes = Ne restaurer que ce chemin de l'instantané (répétable). Pris octet pour octet : un nom qui n'est pas en UTF-8 (le `path_raw` de `ls --json`, décodé) convient aussi
help-restore-arg-overwrite = Que faire des fichiers qui existent déjà dans la cible
help-restore-arg-overwrite-value-never = Laisser chaque fichier existant tel quel et le signaler comme conflit
help-restore-arg-overwrite-value-if-changed = Remplacer un fichier existant quand sa taille ou sa date de modification diffère
help-restore-arg-overwrite-value-always = Lire chaque fichier existant et le remplacer dès que son contenu diffère
help-restore-arg-dry-run = Montrer ce qui serait restauré, ne rien écrire
help-restore-arg-sparse = Restaurer les suites de zéros comme des trous (fichiers creux)
help-dump = Écrire le contenu d'un fichier d'un instantané sur la sortie standard
help-diff = Montrer ce qui a changé entre deux instantanés
help-stats = Statistiques du dépôt
help-has-recent-snapshot = Sortir avec 0 s'il existe un instantané plus récent que --max-age, 1 sinon
help-has-recent-snapshot-arg-max-age = par exemple "1d", "12h" (par défaut : le minimum-backup-age du dépôt)
help-has-recent-snapshot-arg-notify = Quand il est trop ancien, prévenir les webhooks et les destinataires de courriel de l'événement `backup-too-old` (pour une tâche cron)
help-forget = Retirer des instantanés : par identifiant, par étiquette, ou selon la politique de conservation (configuration ou options)
help-forget-arg-ids = Identifiants (ou débuts d'identifiants) des instantanés à retirer
help-forget-arg-tags = Retirer les instantanés qui portent toutes ces étiquettes
help-forget-arg-preset = Partir d'une politique prédéfinie : 14d, 30d, 90d, gfs, keep-all
help-forget-arg-keep-within = Garder tous les instantanés plus récents que cela ("30d")
help-forget-arg-keep-tags = Toujours garder les instantanés qui ont ces étiquettes
help-forget-arg-group-by = Grouper les instantanés pour la politique par "host", "paths", "tags" (séparés par des virgules)
help-forget-arg-dry-run = Montrer ce qui serait retiré, ne rien retirer
help-prune = Supprimer les données dont aucun instantané n'a plus besoin
help-prune-arg-max-unused = Place inutilisée tolérée : "5%" (par défaut), "1 GiB" ou "unlimited"
help-prune-arg-max-repack = Réempaqueter au plus autant : "10%" (par défaut) ou une taille
help-check = Vérifier la structure du dépôt (et avec --read-data, ses données)
help-check-arg-read-data = Lire et vérifier aussi toutes les données
help-check-arg-read-data-subset = Lire et vérifier une partie des données : "10%", "1/5" ou une taille
help-repair = Reconstruire l'index, ou réparer les instantanés qui font référence à des données manquantes
help-housekeeping = check → forget selon la politique de conservation → prune ; s'arrête au premier échec
help-housekeeping-arg-read-data = Lire et vérifier aussi toutes les données
help-housekeeping-arg-read-data-subset = Lire et vérifier une partie des données : "10%", "1/5" ou une taille
help-copy = Copier dans un autre dépôt les instantanés qui lui manquent
help-copy-arg-to = La cible : un dépôt nommé dans la configuration…
help-copy-arg-to-repository = …ou un emplacement, avec son mot de passe dans --to-password-file ou $NPBACKUP_TO_PASSWORD
help-unlock = Retirer du dépôt les verrous périmés (de tâches plantées, les nôtres ou ceux de restic)
help-metrics = Écrire les métriques actuelles de chaque dépôt configuré (ou de ceux choisis avec --repo/--group), au format texte de Prometheus : sa dernière sauvegarde de cette machine et si elle est récente. Pour un collecteur textfile de node_exporter lancé par cron, ou une sonde de supervision
help-metrics-arg-output = Écrire les métriques dans ce fichier (de façon atomique) au lieu de la sortie standard
help-send-test-email = Envoyer un courriel de test avec les réglages monitoring.email du dépôt, à chaque destinataire qu'ils nomment (ou à --to)
help-key = Gérer les clés du dépôt (ses mots de passe)
help-key-list = Lister les clés (celle en cours d'utilisation est marquée)
help-key-add = Ajouter une clé avec un nouveau mot de passe ($NPBACKUP_NEW_PASSWORD ou --new-password-file)
help-key-add-arg-new-password-file = Fichier qui contient le nouveau mot de passe (sinon $NPBACKUP_NEW_PASSWORD)
help-key-remove = Supprimer une clé (jamais celle en cours d'utilisation)
help-key-passwd = Changer le mot de passe : ajouter la nouvelle clé, la vérifier, supprimer l'ancienne
help-key-passwd-arg-new-password-file = Fichier qui contient le nouveau mot de passe (sinon $NPBACKUP_NEW_PASSWORD)
help-keyring = Garder le mot de passe du dépôt et les secrets du stockage dans le trousseau du système
help-keyring-status = Si le trousseau du système est utilisable ici, et quels secrets de la configuration s'y trouvent
help-keyring-set = Mettre le mot de passe du dépôt dans le trousseau du système et y faire pointer la configuration. Le mot de passe vient de --password-file, --password-command ou $NPBACKUP_PASSWORD, sinon de la source actuelle du dépôt, sinon il est demandé. Il est d'abord essayé sur le dépôt : un mauvais n'est pas enregistré
help-keyring-set-arg-name = Le nom de l'entrée dans le trousseau (par défaut : DÉPÔT-password-XXXXXXXX)
help-keyring-set-option = Mettre un secret du stockage (par exemple `secret_access_key`) dans le trousseau du système : la configuration garde `keyring:NOM` à sa place. La valeur vient de la configuration, sinon elle est demandée (ou lue sur l'entrée standard)
help-keyring-set-option-arg-option = L'option du stockage, comme dans `backend-options`
help-keyring-unset = Sortir le mot de passe du dépôt du trousseau : il est écrit dans FILE (lisible par vous seul), la configuration y pointe, et l'entrée du trousseau est supprimée
help-permissions = Ce que les utilisateurs peuvent faire de chaque dépôt, et le mot de passe d'administration qui le protège
help-permissions-show = Les permissions de chaque dépôt, et si un mot de passe d'administration est réglé
help-permissions-set = Régler ce que les utilisateurs peuvent faire d'un dépôt (--repo, par défaut : le seul ou celui nommé "default") ou de tous les dépôts d'un groupe (--group) : backup, restore, restore-only ou full. Demande le mot de passe d'administration s'il y en a un ($NPBACKUP_MANAGER_PASSWORD dans les scripts)
help-permissions-set-arg-group = Le régler sur ce groupe plutôt que sur un dépôt
help-permissions-manager-password = Régler ou changer le mot de passe d'administration (demande d'abord l'actuel ; le nouveau vient de $NPBACKUP_NEW_MANAGER_PASSWORD, sinon il est demandé deux fois)
help-permissions-manager-password-arg-remove = Supprimer plutôt le mot de passe d'administration
help-daemon = Le planificateur : fait les sauvegardes, l'entretien et les vérifications planifiés de chaque dépôt (`daemon run`, par défaut), ou interroge celui qui tourne
help-daemon-run = Faire tourner le planificateur au premier plan jusqu'à SIGTERM (ce que lance le service)
help-daemon-run-arg-grace = Combien de temps les tâches en cours peuvent continuer après SIGTERM avant d'être annulées proprement
help-daemon-status = Ce qui est planifié, quand cela tourne la prochaine fois et comment cela s'est terminé la dernière fois
help-daemon-run-now = Lancer maintenant une tâche d'un dépôt (une sauvegarde sauf avec --task), planifiée ou non
help-daemon-run-now-arg-task = backup, housekeeping ou check
help-daemon-pause = Suspendre les exécutions planifiées un moment ("1h", "30m") ou "until-tomorrow" (jusqu'au prochain minuit)
help-daemon-resume = Laisser repartir les exécutions planifiées
help-daemon-cancel = Annuler la tâche que fait un dépôt
help-daemon-watch = Écrire les événements du planificateur au fur et à mesure (un objet JSON par ligne avec --json)
help-service = Installer le planificateur comme un service démarré à l'ouverture de session (--user) ou au démarrage (--system)
help-service-install = Écrire le service et le démarrer (systemd sous Linux, launchd sous macOS)
help-service-install-arg-user = Pour votre utilisateur, dès l'ouverture de session (par défaut)
help-service-install-arg-system = Pour toute la machine, en root, dès le démarrage
help-service-install-arg-no-start = Écrire le service sans l'activer ni le démarrer
help-service-uninstall = Arrêter le service et le supprimer
help-service-uninstall-arg-user = Pour votre utilisateur, dès l'ouverture de session (par défaut)
help-service-uninstall-arg-system = Pour toute la machine, en root, dès le démarrage
help-service-uninstall-arg-no-start = Écrire le service sans l'activer ni le démarrer
help-service-status = Si le service est installé, activé et en marche
help-service-status-arg-user = Pour votre utilisateur, dès l'ouverture de session (par défaut)
help-service-status-arg-system = Pour toute la machine, en root, dès le démarrage
help-service-status-arg-no-start = Écrire le service sans l'activer ni le démarrer
help-service-print = Écrire l'unité que `install` écrirait (pour les paquets et la gestion de configuration)
help-service-print-arg-user = Pour votre utilisateur, dès l'ouverture de session (par défaut)
help-service-print-arg-system = Pour toute la machine, en root, dès le démarrage
help-service-print-arg-no-start = Écrire le service sans l'activer ni le démarrer
help-config = Créer, vérifier et afficher la configuration
help-config-init = Écrire une configuration par défaut commentée (un dépôt local, aucun serveur nécessaire)
help-config-init-arg-paths = Dossiers à sauvegarder (par défaut : votre dossier Documents)
help-config-init-arg-repository-path = Où va le dépôt (par défaut : dans votre dossier de données)
help-config-check = Valider la configuration ; chaque problème est listé sous la forme FICHIER:LIGNE: clé: message
help-config-show = Afficher les réglages effectifs d'un dépôt (secrets masqués), en marquant chacun comme propre ou hérité
help-config-path = Afficher le chemin du fichier de configuration utilisé
help-completions = Écrire les complétions pour un shell
help-man = Écrire les pages de manuel dans un dossier
