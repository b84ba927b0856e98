# Messages en français de la ligne de commande et des couches en dessous (erreurs,
# vérification de la configuration, tâches, planificateur, supervision). Chaque clé
# de l'anglais doit exister ici (un test le vérifie).
# { -product } est le nom de la marque, { -cli } son programme en ligne de commande.
# Les clés de configuration, les options de la ligne de commande et le texte des
# autres programmes restent tels quels.

## Erreurs (error.rs)
err-not-initialised = aucun dépôt à { $location }{ $hint }. Lancez `{ -cli } init` (avec les mêmes options de dépôt) pour en créer un.
err-io = { $doing } { $path } : { $cause }
err-engine = { $doing } : { $message }

## Ouverture et création des dépôts (engine/mod.rs)
engine-bad-location = l'emplacement de dépôt { $location } ne peut pas être utilisé : { $cause }
engine-location-unreachable = l'emplacement de dépôt { $location } est injoignable : { $cause }
engine-hint-no-folder = {" "}(le dossier n'existe pas : s'il est sur un disque amovible ou réseau, ce disque est-il branché et monté ?)
engine-hint-not-initialised = {" "}: il n'a pas été initialisé
engine-using-fallback = l'emplacement principal est injoignable ; utilisation de l'emplacement de secours n° { $n } : { $location }
engine-unreachable = le dépôt `{ $repo }` est injoignable à tous ses emplacements :
    {"  "}{ $failures }
    Vérifiez le réseau, le serveur et l'adresse ; ajoutez des fallback-uris pour des miroirs.
engine-wrong-password = mauvais mot de passe pour le dépôt à { $location } : aucune clé du dépôt ne s'ouvre avec lui. Vérifiez la source du mot de passe (password-file, password-command, password-env ou NPBACKUP_PASSWORD).
engine-opening = ouverture du dépôt à { $location }
engine-preparing = préparation du dépôt { $location }
engine-no-location = aucun emplacement de dépôt n'est donné
engine-probe-unreachable = { $location } est injoignable : { $cause }
engine-password-too-short = le mot de passe est trop court : utilisez au moins 8 caractères (une longue phrase est idéale)
engine-already-exists = un dépôt existe déjà à { $location } ; rien n'a été modifié
engine-init-unreachable = { $location } est injoignable pour créer le dépôt : { $cause }
engine-creating = création du dépôt à { $location }

## Emplacements des dépôts (engine/location.rs)
engine-location-empty = l'emplacement du dépôt est vide
engine-bad-rest = `rest:{ $url }` n'est pas un emplacement REST : écrivez rest:http://hôte:8000/chemin
engine-rest-two-accounts = l'emplacement REST nomme déjà un compte (utilisateur@hôte) : donnez le compte soit dans l'emplacement, soit avec les options de stockage username et password, pas les deux
engine-rest-password-needs-user = l'option de stockage `password` d'un emplacement REST demande aussi `username`
engine-bad-sftp = `sftp:{ $rest }` n'est pas un emplacement SFTP : écrivez sftp:utilisateur@hôte:/chemin ou sftp://utilisateur@hôte:port/chemin
engine-bad-s3 = `s3:{ $rest }` n'est pas un emplacement S3 : écrivez s3:https://hôte/compartiment[/préfixe]

## Opérations sur les dépôts (engine/ops.rs)
engine-retention-too-long = durée de conservation trop grande : { $cause }
engine-bad-tag-list = liste d'étiquettes incorrecte `{ $tags }` : { $cause }
engine-reading-snapshots = lecture des instantanés
engine-forget-needs-what = forget demande des identifiants d'instantanés, --tag ou une politique de conservation
engine-policy-keeps-nothing = la politique de conservation ne garde rien : réglez au moins une règle keep-* (ou utilisez un préréglage comme gfs)
engine-bad-group-by = group-by incorrect : { $cause }
engine-applying-policy = application de la politique de conservation
engine-removing-snapshots = suppression des instantanés
engine-bad-limit = { $option } incorrect `{ $value }` : { $cause }
engine-planning-prune = préparation de l'élagage
engine-pruning = élagage
engine-bad-read-data-subset = read-data-subset incorrect `{ $value }` : { $cause }
engine-checking = vérification du dépôt
engine-checking-at = vérification de { $location }
engine-check-errors = { $n ->
    [one] { $n } erreur trouvée :
   *[other] { $n } erreurs trouvées :
}
    {"  "}{ $errors }
    Lancez `repair index` et `repair snapshots`, puis vérifiez de nouveau.
engine-repairing-index = réparation de l'index
engine-reading-index = lecture de l'index
engine-repairing-snapshots = réparation des instantanés
engine-listing-keys = liste des clés
engine-reading-key = lecture d'une clé
engine-new-password-too-short = le nouveau mot de passe est trop court : utilisez au moins 8 caractères
engine-adding-key = ajout d'une clé
engine-no-key-matches = aucune clé ne correspond à `{ $id }`
engine-key-ambiguous = `{ $id }` correspond à { $n } clés : donnez plus de caractères
engine-key-in-use = la clé { $id } est celle en cours d'utilisation : elle ne peut pas être supprimée (ouvrez le dépôt avec un autre mot de passe pour la supprimer)
engine-bad-key-id = identifiant de clé incorrect : { $cause }
engine-removing-key = suppression de la clé
engine-copy-chunker-differs = { $from } et { $to } ont été créés avec des réglages de découpage différents : les données copiées ne seraient pas dédupliquées avec ce que contient la cible. Copiez vers un dépôt créé pour cela (mêmes paramètres de découpage), ou sauvegardez directement vers { $to }.
engine-comparing-for-copy = comparaison des instantanés des deux dépôts
engine-reading-index-of = lecture de l'index de { $location }
engine-copying-into = copie des instantanés vers { $location }

## Sauvegardes (engine/backup.rs)
engine-bad-time = `{ $time }` n'est pas une date : écrivez 2024-05-01T10:00:00Z ou "2024-05-01 10:00:00"
engine-backing-up-stdin = sauvegarde de l'entrée standard vers { $location }
engine-removing-too-small = suppression de l'instantané trop petit
# (gardez la clé `minimum-backup-size` dans ce message : le processus de la tâche la cherche)
engine-too-small = la sauvegarde n'a lu que { $processed } alors que minimum-backup-size vaut { $minimum } : aucun instantané n'a été gardé. Vérifiez que la source est montée et lisible.
engine-bad-tag = étiquette incorrecte `{ $tag }` : { $cause }
engine-preparing-snapshot = préparation de l'instantané
engine-command-unparsable = la commande stdin-command `{ $command }` ne peut pas être analysée : { $cause }
engine-command-cannot-start = la commande stdin-command `{ $command }` ne peut pas démarrer : { $cause }
engine-backing-up-command = sauvegarde de la sortie de `{ $command }` vers { $location }
engine-removing-failed-command-snapshot = suppression de l'instantané d'une commande échouée
engine-command-failed = la commande stdin-command `{ $command }` a échoué ({ $cause }) : sa sortie n'a pas été gardée comme instantané
engine-nothing-to-back-up = rien à sauvegarder : donnez des chemins sur la ligne de commande ou réglez backup.paths dans la configuration
engine-missing-sources = { $n ->
    [one] ce chemin source n'existe pas, rien n'a donc été sauvegardé : { $paths }
   *[other] ces chemins sources n'existent pas, rien n'a donc été sauvegardé : { $paths }
}
engine-source-is-repository = la source { $source } est le dépôt { $repository } (ou se trouve dedans) : un dépôt ne peut pas se sauvegarder lui-même
engine-repository-inside-source = le dépôt { $repository } se trouve dans la source { $source } : il est laissé en dehors de la sauvegarde
engine-bad-sources = les chemins sources ne peuvent pas être utilisés : { $cause }
engine-backing-up = sauvegarde vers { $location }
engine-re-include-ignored = le motif de réinclusion `{ $pattern }` est ignoré : seules les exclusions sont prises en charge
io-resolving = résolution de
io-reading-exclude-file = lecture du fichier d'exclusions

## Restaurations (engine/restore.rs)
engine-restore-cancelled = la restauration a été annulée
engine-target-not-folder = la cible de restauration { $target } existe et n'est pas un dossier
engine-include-outside-base = `{ $path }` n'est pas dans `{ $base }`, le dossier d'où part la restauration
engine-not-in-snapshot = `{ $path }` n'existe pas dans l'instantané { $snapshot }
engine-reading-snapshot = lecture de l'instantané
engine-file-in-the-way = un fichier occupe la place de ce dossier
engine-cannot-create-folder = le dossier ne peut pas être créé : { $cause }
engine-folder-in-the-way = un dossier occupe la place
engine-folder-in-the-way-of-file = un dossier occupe la place de ce fichier
engine-finding-data = recherche des données de { $path } dans l'index (lancez check)
engine-pack-unreadable = la lecture du paquet { $pack } a échoué : { $cause }
engine-blob-damaged = le bloc { $blob } du paquet { $pack } est endommagé (lancez check)
engine-nul-in-path = un caractère NUL dans le chemin
engine-device-needs-root = les fichiers de périphérique ne peuvent être restaurés que par un administrateur (root)
engine-specials-unix-only = les liens symboliques et les fichiers spéciaux ne sont restaurés que sous Unix
io-creating-restore-target = création de la cible de restauration
io-creating-folder = création du dossier
engine-phase-restoring = restauration

## Statistiques, chiffrement (engine/stats.rs, engine/crypto.rs)
engine-listing-files = liste des fichiers du dépôt
engine-key-shape = la clé du dépôt a une forme inattendue
engine-no-randomness = pas d'aléa pour chiffrer : { $cause }
engine-cannot-encrypt = le chiffrement est impossible

## Verrous des dépôts (engine/repolock.rs)
engine-lock-holder = hôte { $host }, pid { $pid }, utilisateur { $user }, depuis { $since }
engine-not-a-url = ce n'est pas une URL ({ $cause })
engine-no-http = HTTP ne peut pas être préparé : { $cause }
engine-bad-lock-url = URL de verrou incorrecte : { $cause }
engine-rest-answered = le serveur REST a répondu { $status }
engine-listing-locks = liste des verrous du dépôt
engine-reading-lock = lecture d'un verrou du dépôt
engine-writing-lock = écriture du verrou du dépôt
engine-removing-lock = suppression du verrou du dépôt
engine-lock-storage-unreachable = le stockage `{ $scheme }` est injoignable pour les verrous : { $cause }
engine-cannot-encode-lock = le verrou ne peut pas être encodé : { $cause }
engine-lock-not-removed = notre verrou { $name } n'a pas pu être retiré du dépôt : { $cause } ; `restic unlock` le retire
engine-no-restic-locking = le verrouillage compatible restic n'est pas disponible pour { $location } : n'y lancez pas le prune de restic pendant cette tâche
engine-locked = le dépôt { $location } est verrouillé par un autre programme ({ $holder }). Attendez qu'il finisse ; si ce programme n'existe plus, `restic unlock` retire un verrou périmé.
engine-locked-exclusively = le dépôt { $location } est verrouillé en exclusivité par un autre programme ({ $holder }). Attendez qu'il finisse ; si ce programme n'existe plus, `restic unlock` retire un verrou périmé.
engine-writing-our-lock = écriture de notre verrou dans le dépôt
engine-lock-not-refreshed = notre verrou du dépôt n'a pas pu être renouvelé : { $cause }
io-listing-locks = liste des verrous dans
io-reading-lock = lecture du verrou
io-creating = création de
io-writing-lock = écriture du verrou
io-removing-lock = suppression du verrou
io-starting-lock-runtime = démarrage de l'environnement d'exécution des verrous
