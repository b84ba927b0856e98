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
err-disk-full = le disque est plein ({ $cause }) : libérez de la place puis relancez

## Ouverture et création des dépôts (engine/mod.rs)
engine-bad-location = l'emplacement de dépôt { $location } ne peut pas être utilisé : { $cause }
engine-location-unreachable = l'emplacement de dépôt { $location } est injoignable : { $cause }
engine-hint-no-folder = {" "}(le dossier n'existe pas : s'il est sur un disque amovible ou réseau, ce disque est-il branché et monté ?)
engine-hint-not-initialised = {" "}: il n'a pas été initialisé
engine-unreachable = le dépôt `{ $repo }` est injoignable à tous ses emplacements :
    {"  "}{ $failures }
    Vérifiez le réseau, le serveur et l'adresse ; ajoutez des fallback-uris pour des miroirs.
engine-key-damaged = le fichier de clé { $key } est abîmé ({ $cause }), et aucune autre clé n'a pu être essayée. Si vous avez un autre mot de passe pour ce dépôt, essayez-le ; sinon, remettez le fichier de clé depuis une copie du dépôt
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
engine-saving-snapshots = enregistrement des instantanés
engine-removing-snapshots = suppression des instantanés
engine-bad-limit = { $option } incorrect `{ $value }` : { $cause }
engine-planning-prune = préparation de l'élagage
engine-pruning = élagage
engine-disk-full = le disque est plein (plus d'espace libre) : ce qui a été sauvegardé avant est intact. Libérez de la place (ou déplacez le dépôt sur un disque plus grand) puis relancez. En détail : { $cause }
engine-bad-read-data-subset = read-data-subset incorrect `{ $value }` : { $cause }
engine-checking = vérification du dépôt
engine-checking-at = vérification de { $location }
engine-check-errors = { $n ->
    [one] { $n } erreur trouvée :
   *[other] { $n } erreurs trouvées :
}
    {"  "}{ $errors }
    Pour réparer : { $repairs }, puis vérifiez de nouveau.
# Ce que trouve la vérification (engine/findings.rs). $pack, $blob, $tree : les premiers caractères d'un identifiant.
check-hint = conseil : { $message }
check-then = , puis{" "}
check-mixed-pack = le pack { $pack } contient à la fois des dossiers et des données de fichiers, comme restic écrivait les packs avant la 0.8.0 (2017) : rien n'est abîmé, et `{ -cli } prune` le réécrit en packs séparés
check-pack-in-several-indexes = le pack { $pack } figure dans { $n } fichiers d'index : rien n'est perdu, et `{ -cli } repair index` ne le garde qu'une fois
check-pack-not-indexed = le pack { $pack } ne figure dans aucun fichier d'index (une sauvegarde interrompue laisse de tels packs, un index abîmé aussi) : `{ -cli } repair index` l'ajoute à l'index, et `{ -cli } prune` le supprime quand rien n'en a besoin
check-pack-missing = le pack { $pack } figure dans l'index mais manque dans le dépôt
check-pack-missing-deleted = le pack { $pack }, déjà marqué pour suppression, manque dans le dépôt
check-pack-size = le pack { $pack } fait { $size } octets, mais l'index en indique { $index_size }
check-pack-time = le pack { $pack } est marqué pour suppression sans date : `{ -cli } prune` corrige cela
check-index-offsets = l'index donne de mauvais emplacements pour les blobs du pack { $pack }
check-file-data-missing = le fichier { $file } a besoin de données ({ $blob }) qu'aucun fichier d'index ne mentionne
check-folder-missing = le dossier { $folder } ({ $tree }) n'est pas dans l'index
check-folder-not-indexed = un dossier d'un instantané ({ $tree }) ne figure dans aucun fichier d'index : la vérification des instantanés s'est arrêtée là
check-folders-unreadable = les dossiers des instantanés ne peuvent pas tous être lus : { $cause }
check-file-damaged = le fichier { $file } est abîmé dans l'instantané (sa liste de données manque ou est vide)
check-folder-damaged = le dossier { $folder } est abîmé dans l'instantané (il n'a pas de liste de contenu)
check-pack-unreadable = le pack { $pack } ne peut pas être lu : { $cause }
check-pack-damaged = le pack { $pack } est abîmé : son contenu ne correspond pas à son nom ou à son en-tête
check-blob-damaged = les données { $blob } du pack { $pack } sont abîmées
check-cache = le cache local diffère du dépôt (il est rafraîchi à la prochaine exécution) : { $what }
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
engine-vma-staging = mise à plat de l'archive vzdump `{ $archive }` pour sa sauvegarde
engine-vma-unreadable = impossible de lire l'archive vzdump `{ $archive }` : { $cause }
engine-vma-bad = `{ $archive }` n'est pas une archive VMA lisible { $cause } : rien n'a été sauvegardé
engine-vma-duplicate = `{ $archive }` nomme deux de ses fichiers `{ $name }` : rien n'a été sauvegardé
engine-vzdump-none = aucune archive vzdump d'un invité QEMU (vzdump-qemu-….vma, .vma.zst, .vma.gz ou .vma.lzo) dans { $paths } : rien n'a été sauvegardé
engine-vma-incomplete = `{ $archive }` contient { $have } des { $all } clusters de `{ $device }` (le cluster { $first } manque) : le dump a été interrompu, rien n'a été sauvegardé
engine-libvirt-no-virsh = impossible de lancer virsh ({ $cause }) : installez le client de libvirt (Debian : apt install libvirt-clients)
engine-libvirt-failed = `{ $command }` a échoué : { $cause }
engine-libvirt-still-on-overlay = le domaine utilise encore la surcouche
engine-libvirt-merge-failed = impossible de refusionner la surcouche `{ $overlay }` dans `{ $disk }` ({ $domain }, { $target }) : { $cause }. Le domaine tourne toujours sur la surcouche, qui a été gardée : fusionnez-la avec `virsh blockcommit { $domain } { $target } --active --pivot`, puis supprimez-la
engine-libvirt-cancelled = la sauvegarde a été annulée : aucun domaine n'a été mis sur une surcouche
engine-libvirt-no-domains = aucun domaine à sauvegarder : nommez-les avec backup.domains (ou backup --libvirt DOMAINE)
engine-libvirt-bad-pattern = `{ $pattern }` n'est ni un nom ni un motif de domaine : { $cause }
engine-libvirt-no-match = aucun domaine libvirt ne s'appelle `{ $pattern }` (il y a : { $known })
engine-libvirt-leftover-shut-off = { $domain } est éteint sur la surcouche `{ $overlay }` d'une sauvegarde interrompue ({ $target }) : fusionnez-la dans `{ $disk }` (qemu-img commit, puis faites pointer le disque sur `{ $disk }` avec virsh edit { $domain }), ou démarrez le domaine pour que la prochaine sauvegarde la fusionne
engine-libvirt-leftover-merged = { $domain } tournait encore sur `{ $overlay }` d'une sauvegarde interrompue : refusionnée dans `{ $disk }`
engine-libvirt-disk-skipped = { $domain } : le disque { $target } ({ $kind }) n'est pas sauvegardé : seuls les disques tenus dans des fichiers le sont
engine-libvirt-overlay-exists = { $domain } : `{ $overlay }` existe déjà : une autre sauvegarde de ce domaine est-elle en cours ? Rien n'a été changé
engine-libvirt-not-quiesced = { $domain } : l'agent invité n'a pas répondu, ses disques sont donc lus sans geler ses systèmes de fichiers (comme après une coupure de courant) : { $cause }
engine-backing-up-libvirt = sauvegarde des domaines { $domains } vers { $location }
engine-libvirt-name-taken = un domaine nommé `{ $name }` existe déjà : rien n'a été restauré (choisissez un autre nom avec --as)
engine-sqlite-missing = la base SQLite `{ $database }` n'existe pas (backup.database nomme le fichier de la base)
engine-sqlite-copying = copie à chaud de la base SQLite `{ $database }`
engine-sqlite-no-tool = impossible de copier la base SQLite `{ $database }` : sqlite3 ne se lance pas ({ $cause }) ; installez-le (Debian : apt install sqlite3)
engine-sqlite-copy-failed = sqlite3 n'a pas pu copier `{ $database }` ({ $cause }) : rien n'a été gardé comme instantané
engine-backing-up-sqlite = sauvegarde de la copie de `{ $database }` vers { $location }
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
mount-cancelled = le montage a été annulé
mount-linux-only = monter un dépôt comme dossier n'est possible que sous Linux
mount-no-fuse-device = FUSE n'est pas disponible ici : /dev/fuse n'existe pas (chargez le module fuse du noyau, ou donnez ce périphérique au conteneur)
mount-no-fusermount = FUSE n'est pas disponible pour cet utilisateur : fusermount3 est introuvable (installez le paquet fuse3)
mount-not-a-folder = { $path } n'est pas un dossier existant : créez-le (vide), ou donnez un autre dossier où monter
mount-stale-removed = { $path } portait un montage laissé par une exécution tuée, qui ne répondait plus : il a été retiré
mount-refused = le montage sur { $path } a été refusé : { $cause }
mount-serving = service du montage sur
mount-stale = { $path } porte un montage qui ne répond plus et qui n'a pas pu être retiré : lancez `fusermount3 -uz { $path }` (ou `umount -l`) puis réessayez
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
engine-xattr-not-set = l'attribut étendu { $name } ne peut pas être posé : { $cause }
engine-nul-in-path = un caractère NUL dans le chemin
engine-device-needs-root = les fichiers de périphérique ne peuvent être restaurés que par un administrateur (root)
engine-specials-unix-only = les liens symboliques et les fichiers spéciaux ne sont restaurés que sous Unix
io-creating-restore-target = création de la cible de restauration
io-creating-folder = création du dossier
engine-phase-restoring = restauration

## Navigation (engine/browse.rs, engine/session.rs, engine/treeindex.rs)
browse-reading-snapshots-of = lecture des instantanés de { $location }
browse-no-snapshot-id = aucun instantané `{ $id }` dans ce dépôt (a-t-il été supprimé par forget ?)
browse-id-ambiguous = `{ $id }` désigne plusieurs instantanés : donnez plus de caractères
browse-no-contents = `{ $path }` n'a pas de contenu
browse-not-a-folder = `{ $path }` est de type { $kind }, pas un dossier
browse-in-no-snapshot = `{ $path }` n'est dans aucun instantané de ce dépôt
browse-empty-pattern = chercher quoi ? Le motif est vide
browse-bad-pattern = `{ $pattern }` n'est pas un motif valide : { $cause }
browse-no-latest = `latest` : le dépôt { $location } n'a encore aucun instantané
browse-no-latest-filtered = `latest` : le dépôt { $location } n'a encore aucun instantané correspondant au filtre
browse-not-an-id = `{ $id }` n'est pas un identifiant d'instantané : utilisez `latest` ou l'identifiant hexadécimal (ou ses premiers caractères) donné par `snapshots`
browse-no-match = aucun instantané ne correspond à `{ $id }` dans { $location }
browse-several-match = `{ $id }` correspond à { $n } instantanés ({ $ids }) : donnez plus de caractères de l'identifiant
browse-dump-not-a-file = `{ $path }` est de type { $kind } dans l'instantané { $snapshot } : dump écrit le contenu d'un seul fichier (utilisez `restore --include` pour les dossiers)
browse-reading-from-snapshot = lecture de `{ $path }` dans l'instantané
browse-listing-index-files = liste des fichiers d'index de { $location }
browse-index-file-unreadable = le fichier d'index { $id } de { $location } est illisible : { $cause } (lancez check)
browse-folder-unreadable = le dossier { $id } du dépôt est illisible : { $cause } (lancez check)
browse-why-not-indexed = il n'est dans aucun fichier d'index
browse-why-no-decrypt = il ne se déchiffre pas avec la clé de ce dépôt
browse-why-no-decompress = il ne se décompresse pas ({ $cause })
browse-why-wrong-content = son contenu ne correspond pas à son identifiant
browse-why-not-a-tree = ce n'est pas un dossier ({ $cause })
browse-why-unknown-format = son format est inconnu
browse-why-bad-id = `{ $id }` n'est pas un identifiant
browse-reading-pack = lecture du paquet { $id }
browse-pack-short = le paquet { $id } est plus court que ne le dit l'index (lancez check)

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

## Mots de passe (config/secrets.rs)
config-password-inline = mot de passe en clair (dans le fichier de configuration)
config-password-none = aucun
config-password-file-unreadable = le fichier de mot de passe { $path } ne peut pas être lu : { $cause }
config-password-file-empty = le fichier de mot de passe { $path } est vide
config-password-env-unset = la variable d'environnement { $var } (password-env) n'est pas définie ou est vide
config-no-password = aucun mot de passe n'est donné : réglez password-keyring, password-file, password-command ou password-env pour le dépôt, ou NPBACKUP_PASSWORD / --password-file / --password-command
config-password-command-unparsable = la commande password-command `{ $command }` ne peut pas être analysée : { $cause }
config-password-command-empty = password-command est vide
config-password-command-cannot-start = la commande password-command `{ $command }` n'a pas pu démarrer : { $cause }
config-password-command-failed = la commande password-command `{ $command }` a échoué ({ $status }) : { $stderr }
config-password-command-not-utf8 = la commande password-command `{ $command }` a écrit une sortie qui n'est pas en UTF-8
config-password-command-nothing = la commande password-command `{ $command }` n'a rien écrit
# $what : "file" (fichier) ou "folder" (dossier)
config-writable-by-others = { $what ->
    [folder] le dossier de la configuration { $path } est modifiable par d'autres utilisateurs
   *[file] le fichier de configuration { $path } est modifiable par d'autres utilisateurs
}
config-owned-by-another = { $what ->
    [folder] le dossier de la configuration { $path } appartient à un autre utilisateur (uid { $uid })
   *[file] le fichier de configuration { $path } appartient à un autre utilisateur (uid { $uid })
}
config-unsafe-for-commands = { $problem } : les commandes qu'il nomme (pre/post, stdin-command, password-command) ne seront donc pas lancées. Corrigez-le avec `chmod go-w { $path }` (et `chown` vers vous-même ou root).
io-checking = vérification de

## Le trousseau du système (config/keyring.rs)
config-keyring-no-dbus = aucune session D-Bus ne tourne ici : il n'y a donc pas de Secret Service (GNOME Keyring, KWallet, KeePassXC) où garder des secrets
config-keyring-no-secret-service = le Secret Service est injoignable : { $cause }
config-keyring-no-windows = le Gestionnaire d'identification de Windows ne peut pas être utilisé : { $cause }
config-keyring-no-macos = le trousseau de macOS ne peut pas être utilisé : { $cause }
config-keyring-no-platform = ce système n'a aucun trousseau que ce programme sache utiliser
config-keyring-unavailable = le trousseau du système ne peut pas être utilisé : { $why } ; utilisez plutôt password-file, password-command ou password-env
config-keyring-entry-needs-name = une entrée du trousseau doit avoir un nom (password-keyring = "NOM")
config-keyring-no-entry = le trousseau ne contient aucun secret nommé '{ $key }' (service '{ $service }') : enregistrez-le avec `{ -cli } keyring set`
config-keyring-refused = le trousseau a refusé l'accès à '{ $key }' (est-il verrouillé ?) : { $cause } ; déverrouillez-le, ou utilisez plutôt password-file, password-command ou password-env
config-keyring-no-store = aucun trousseau n'est configuré
config-keyring-entry-error = entrée du trousseau '{ $key }' : { $cause }
config-keyring-entry-empty = l'entrée du trousseau '{ $key }' est vide
config-keyring-empty-secret = un secret vide ne peut pas être enregistré
config-keyring-why-none = aucun trousseau ne répond dans cette session (un Secret Service comme GNOME Keyring, KWallet ou KeePassXC)
config-keyring-why-locked = le trousseau n'a pas répondu ou a refusé l'accès (il est peut-être verrouillé)
config-keyring-why-forgets = le trousseau n'a pas gardé une entrée d'essai
# ce que contient une entrée du trousseau, dans son libellé du gestionnaire de trousseau
config-keyring-what-secret = secret
config-keyring-what-probe = une entrée de test, retirée aussitôt

## Permissions (config/permissions.rs)
config-op-list = la consultation
config-op-backup = la sauvegarde
config-op-restore = la restauration
config-op-check = la vérification
config-op-unlock = la suppression des verrous périmés
config-op-modify = la modification du dépôt (forget, prune, clés…)
config-op-configure = la modification de la configuration et de ses secrets
config-op-denied = le dépôt `{ $repo }` ne permet pas { $op } (ses permissions sont "{ $level }" : { $allows }). L'administrateur de cette machine peut changer cela.
config-allows-backup = sauvegarder et lister
config-allows-restore = sauvegarder, lister, restaurer et vérifier
config-allows-restore-only = lister, parcourir et restaurer
config-allows-full = tout
config-bad-permission = `{ $value }` n'est pas un niveau de permission : utilisez backup, restore, restore-only ou full
config-manager-password-too-short = le mot de passe d'administration est trop court : utilisez au moins 8 caractères
config-manager-password-unhashable = le mot de passe d'administration ne peut pas être haché : { $cause }
config-manager-hash-unreadable = security.manager-password-hash n'est pas un hachage argon2 ({ $cause }) : réglez-le de nouveau avec `{ -cli } permissions manager-password`

## Lecture et vérification de la configuration (config/mod.rs)
config-unreadable-file = le fichier de configuration ne peut pas être lu : { $cause }. Créez-en un avec `{ -cli } config init`.
config-not-toml = ce n'est pas du TOML valide : { $cause }
config-no-repository = { $file } ne définit aucun dépôt : ajoutez une table [repos.NOM]
config-several-repositories = { $file } définit plusieurs dépôts ({ $names }) : choisissez-en un avec --repo NOM
config-unknown-repository = aucun dépôt nommé `{ $name }` dans { $file } (connus : { $known })
config-defaults-broken = les réglages par défaut intégrés sont cassés : { $cause }
config-unknown-group = groupe inconnu `{ $group }` : définissez [groups.{ $group }] ou utilisez l'un de ceux-ci : { $known }
config-no-uri = pas d'`uri` : indiquez où se trouve le dépôt, par exemple uri = "/mnt/backup/repo" ou "rest:http://hôte:8000/repo"
config-several-password-sources = plus d'une source de mot de passe ({ $keys }) : n'en gardez qu'une
config-inline-password-unsafe = un mot de passe en clair n'est accepté que si le fichier de configuration n'est lisible que par son propriétaire : lancez `chmod 600 { $file }`, ou utilisez plutôt password-file, password-command ou password-env
config-not-argon2 = ce n'est pas un hachage argon2 : réglez-le avec `{ -cli } permissions manager-password`
config-must-be-table = doit être une table : { $table }
config-must-be-tables = doit être une table de tables : { $table }
config-group-in-group = un groupe ne peut pas appartenir à un autre groupe : retirez cette clé
config-built-in-defaults = <réglages par défaut intégrés>
# $serde : la phrase de serde (en anglais) ; $key et $expected : la même, en morceaux
config-unknown-key = clé inconnue `{ $key }` (clés possibles : { $expected }) : vérifiez l'orthographe ; les clés s'écrivent en kebab-case
config-unknown-key-no-fields = aucune
io-reading = lecture de
io-opening = ouverture de

## Modification et création de la configuration (config/edit.rs, config/template.rs, config/vars.rs)
config-already-exists = { $file } existe déjà ; rien n'a été modifié (modifiez-le, ou choisissez un autre fichier avec -c)
config-cannot-generate-password = un mot de passe ne peut pas être créé : { $cause }
config-var-unclosed = `{ $input }` : `${"{"}` sans `{"}"}` fermante
config-var-unknown = variable inconnue ${"{"}{ $name }{"}"} : utilisez HOSTNAME, MACHINE_ID, MACHINE_GROUP, TENANT, REPO_NAME, REPO_GROUP ou le nom d'une variable d'environnement définie
io-reading-config = lecture de la configuration
io-keeping-previous-config = conservation de la configuration précédente
io-writing-config = écriture de la configuration
io-creating-config-folder = création du dossier de la configuration
io-writing = écriture de

## Valeurs de la configuration (config/schema.rs, config/when.rs)
config-bad-preset = `{ $value }` n'est pas un préréglage de conservation : utilisez "14d", "30d", "90d", "gfs" ou "keep-all"
config-expected-scalar = une chaîne, un nombre ou un booléen est attendu, pas un(e) { $found }
config-bad-size = `{ $value }` n'est pas une taille : écrivez-la comme "500 MB", "2 GiB" ou un nombre d'octets
config-expected-size = une taille comme "500 MB" est attendue, pas un(e) { $found }
config-bad-rate = `{ $value }` n'est pas un débit : écrivez-le comme "2 MiB/s", "500 KiB/s" ou un nombre d'octets par seconde (plus que 0 ; omettez-le pour ne pas limiter)
config-bad-pack-size = une taille de pack de `{ $value }` sort de 4 MiB à 128 MiB (ce que restic accepte aussi)
config-bad-duration = `{ $value }` n'est pas une durée ({ $cause }) : écrivez-la comme "30m", "12h" ou "7d"
config-bad-compression = `{ $value }` n'est pas une compression : utilisez "auto", "off", "max" ou un niveau de 1 à 22
config-expected-compression = "auto", "off", "max" ou un niveau est attendu, pas un(e) { $found }
config-bad-schedule = `{ $value }` n'est pas une planification : écrivez "every 6h", "daily at 02:30", "mon,wed,fri at 21:00", "weekdays at 18:00", "cron 0 */4 * * *" ou "manual"
config-interval-too-short = `{ $value }` : l'intervalle le plus court est d'une minute ("every 1m")
config-bad-cron = `{ $value }` n'est pas une expression cron ({ $cause })
config-not-toml-value = ce n'est pas une valeur TOML : { $cause }
config-write-bool = écrivez true ou false
config-not-whole-number = `{ $value }` n'est pas un nombre entier
config-choose-one-of = choisissez l'une de ces valeurs : { $choices }
config-secret-not-edited-here = un secret ne se modifie pas ici : utilisez le trousseau, un fichier de mot de passe ou une commande

## Création d'un dépôt (config/setup.rs)
config-location-incomplete = l'emplacement est incomplet : { $why }
config-destination-incomplete = la destination est incomplète : { $why }
config-bad-repo-name = `{ $name }` ne peut pas nommer un dépôt : utilisez des lettres, des chiffres, - et _
config-repo-name-taken = { $file } a déjà un dépôt nommé `{ $name }` : choisissez un autre nom
config-password-file-exists = { $path } existe déjà : il contient peut-être le mot de passe d'un autre dépôt, il n'est donc pas touché ; choisissez un autre nom
config-password-kept-keyring = dans le trousseau (entrée '{ $entry }')
config-password-kept-file = dans { $path } (lisible par vous seul)
config-keyring-what-password = mot de passe du dépôt { $repo }
config-keyring-what-option = { $option } du dépôt { $repo }
io-writing-password-file = écriture du fichier de mot de passe
config-recovery-sheet = { -product } — informations de récupération
    Écrites le { $when } sur { $host }.

    Gardez cette fiche en lieu sûr, loin de cet ordinateur (imprimée, ou dans un
    gestionnaire de mots de passe). Sans le mot de passe, personne ne peut lire les sauvegardes, pas même vous.

    Dépôt :         { $location }
    Mot de passe :  { $password }

    Pour récupérer des fichiers sur n'importe quel ordinateur :
    - installez { -product }, choisissez « Ouvrir un dépôt » et donnez les deux lignes ci-dessus ; ou
    - avec restic (restic.net) : restic -r { $location } snapshots,
    {"  "}puis restic -r { $location } restore latest --target ~/restored
    - en ligne de commande : { -cli } -r { $location } snapshots
config-viewer-no-file = (visionneuse : pas de fichier de configuration)

## Tâches (jobs/*)
job-lock-holder = une tâche { $kind } (pid { $pid }, tâche { $job }) depuis { $since }
job-lock-holder-unknown = une autre tâche
job-busy = le dépôt { $location } est occupé : { $who } y écrit. Réessayez quand elle aura fini, ou passez --wait pour attendre votre tour.
job-busy-waited = le dépôt { $location } est occupé : { $who } y écrit. Réessayez quand elle aura fini (l'attente n'a pas suffi).
job-cannot-encode-reply = une réponse ne peut pas être encodée : { $cause }
job-malformed-request = une requête mal formée est ignorée : { $cause }
job-spec-unreadable = la description de la tâche ne peut pas être lue sur l'entrée standard : { $cause }
job-spec-malformed = description de tâche mal formée : { $cause }
job-no-signals = les signaux d'arrêt ne peuvent pas être captés : une tâche annulée risque de laisser son verrou derrière elle
job-interrupted = la tâche a été interrompue
job-was-cancelled = la tâche a été annulée
job-timed-out = la tâche a dépassé sa durée maximale de { $limit }
job-cannot-encode-result = le résultat ne peut pas être encodé : { $cause }
job-no-smtp-server = le dépôt `{ $repo }` n'a pas de monitoring.email.smtp-server
job-no-read-lock = le dépôt n'a pas pu être verrouillé en lecture : { $cause }
job-restore-failures = { $n ->
    [one] { $n } élément n'a pas pu être restauré : { $path } : { $reason }
   *[other] { $n } éléments n'ont pas pu être restaurés ; le premier : { $path } : { $reason }
}
job-housekeeping-stopped = l'entretien s'est arrêté à l'étape { $step } (rien n'a été fait après) : { $cause }
job-verifying-new-password = vérification du nouveau mot de passe
job-new-password-unverified = { $cause } ; l'ancien mot de passe fonctionne toujours (la nouvelle clé { $key } a été ajoutée mais pas vérifiée)
job-dump-needs-a-file = un processus de travail ne peut pas écrire un fichier sur la sortie standard (ses événements y passent) : donnez-lui un fichier
job-not-under-lock = { $kind } ne s'exécute pas sous un verrou
job-history-not-recorded = cette exécution n'a pas pu être enregistrée dans { $path } : { $cause }
job-pre-failed-fatal = { $why } : la sauvegarde n'a pas été faite (pre-exec-failure-is-fatal)
job-pre-failed = { $why } ; la sauvegarde se fait quand même
job-post-failed-fatal = { $why } (post-exec-failure-is-fatal) ; l'instantané lui-même a été enregistré
job-using-fallback = l'emplacement principal de `{ $repo }` est injoignable ; utilisation de l'emplacement de secours n° { $n } : { $location }
job-watcher-stopped = la surveillance de la tâche s'est arrêtée : { $cause }
job-cannot-encode-request = la requête ne peut pas être encodée : { $cause }
job-the-browsing-session = la session de navigation
job-session-no-input = la session n'a pas d'entrée
job-cannot-encode-job = la tâche ne peut pas être encodée : { $cause }
job-no-pipe = le processus de la tâche n'a pas d'entrée, de sortie ou de sortie d'erreur
job-unknown-status = statut inconnu
job-no-result = le processus de la tâche s'est terminé sans résultat ({ $how })
job-no-result-stderr = le processus de la tâche s'est terminé sans résultat ({ $how }) :
    { $stderr }
# $what : "pre" ou "post" (les commandes avant et après une sauvegarde)
job-hook-cannot-start = la commande { $what } `{ $command }` n'a pas pu démarrer : { $cause }
job-hook-timed-out = la commande { $what } `{ $command }` a été arrêtée au bout de sa durée maximale de { $limit }
job-hook-error = commande { $what } `{ $command }` : { $cause }
job-hook-failed = la commande { $what } `{ $command }` a échoué ({ $status })
job-too-small = cette sauvegarde est trop petite : { $size } lus contre { $mean } en moyenne sur les { $runs } dernières exécutions (une source manque-t-elle ou n'est-elle pas montée ?)
job-too-large = cette sauvegarde est trop grande : { $size } lus contre { $mean } en moyenne sur les { $runs } dernières exécutions
job-too-many-changed = trop de fichiers modifiés : { $changed } contre { $mean } en moyenne sur les { $runs } dernières exécutions (des modifications en masse peuvent signaler un chiffrement par un logiciel malveillant)
io-locking = verrouillage de
io-creating-lock-folder = création du dossier des verrous
io-opening-lock-file = ouverture du fichier de verrou
io-writing-lock-file = écriture du fichier de verrou
io-naming = nommage de
io-finding-program = recherche de ce programme
io-sending-request = envoi d'une requête à
io-starting-job = démarrage du processus de la tâche
io-sending-job = envoi de la tâche à

## Préparation des tâches (jobs/plan.rs)
job-repo-credentials = dépôt `{ $repo }` : { $cause }
job-option-credentials = dépôt `{ $repo }`, option de stockage { $option } : { $cause }
job-command-source-without-command = backup.source vaut "command" mais aucun backup.stdin-command n'est réglé
job-database-source-without-database = backup.source vaut "{ $source }" mais aucun backup.database ne nomme la base (un nom, "all", ou pour sqlite le fichier de la base)
job-dumpall-is-plain = backup.database = "all" est exporté par pg_dumpall, qui n'écrit que du SQL : omettez backup.dump-format ou mettez "plain"
job-database-not-a-name = backup.database = "{ $database }" n'est pas un nom de base (une chaîne de connexion ou une option) : réglez le serveur avec db-host, db-port et db-user, le mot de passe dans le fichier de l'outil
job-nothing-to-back-up = le dépôt `{ $repo }` n'a rien à sauvegarder : réglez backup.paths dans { $file }
job-no-retention = le dépôt `{ $repo }` n'a pas de politique de conservation : réglez [retention] (par exemple preset = "gfs") pour lui ou son groupe

## Supervision : courriels, pings, métriques, webhooks (monitor/*)
mon-bad-security = monitoring.email.security vaut `{ $value }` : utilisez starttls, tls ou none
mon-ca-unreadable = { $path } ne peut pas être lu : { $cause }
mon-ca-not-pem = { $path } ne contient aucun certificat PEM : { $cause }
mon-bad-from = monitoring.email.from `{ $from }` n'est pas une adresse : { $cause }
mon-bad-address = `{ $address }` n'est pas une adresse électronique : { $cause }
mon-mail-not-sent = le courriel à { $to } n'a pas pu être envoyé par { $server } : { $cause }
mon-no-recipient = aucun destinataire : nommez-en un, ou réglez monitoring.email.on-backup-failure (ou une autre liste on-*)
mon-test-subject = courriel de test
mon-test-body = Ceci est un courriel de test de { -product } sur { $machine }, dépôt { $repo }.
    Si vous le lisez, les courriels sur les sauvegardes vous parviendront.
mon-backup-succeeded = sauvegarde réussie
mon-backup-failed = ÉCHEC de la sauvegarde
# $action : le type de la tâche (backup, check, prune…)
mon-operation-succeeded = { $action } réussi
mon-operation-failed = ÉCHEC de { $action }
mon-backup-too-old = la dernière sauvegarde est TROP ANCIENNE
mon-mail-first-line = { -product } sur { $machine }, dépôt { $repo } : { $what }.
mon-mail-files = Fichiers : { $new } nouveaux, { $changed } modifiés, { $unchanged } inchangés
mon-mail-added = Ajouté : { $added } ({ $stored } stockés) ; lu : { $processed }
mon-mail-duration = Durée : { $duration }
mon-mail-warnings = Avertissements : { $n }
mon-mail-log-end = La fin du journal :
mon-ping-failed = le ping de contrôle de santé vers { $url } a échoué : { $cause }
mon-cannot-push = les métriques ne peuvent pas être envoyées : { $cause }
mon-push-refused = la passerelle push { $gateway } a refusé les métriques : HTTP { $status }
mon-push-unreachable = la passerelle push { $gateway } est injoignable : { $cause }
mon-not-pushed = les métriques n'ont pas été envoyées : aucune des { $n } passerelles push ne les a prises
mon-webhook-failed = le webhook { $url } a échoué après { $n ->
    [one] { $n } tentative
   *[other] { $n } tentatives
} : { $cause }
mon-bad-method = monitoring.webhooks : méthode `{ $method }` pour { $url } : utilisez POST ou GET
mon-unknown-event = monitoring.webhooks : événement inconnu `{ $event }` : utilisez { $known }
mon-textfile-failed = les métriques n'ont pas pu être écrites dans { $dir } : { $cause }

## Le planificateur (schedule/*)
sched-waiting-mains = en attente du secteur (l'ordinateur est sur batterie)
sched-waiting-unmetered = en attente d'un réseau non limité (la connexion est limitée)
sched-bad-task = `{ $value }` n'est pas une tâche planifiée : utilisez backup, housekeeping ou check
sched-finished-in = terminé en { $seconds } s
sched-finished-snapshot = , instantané { $id }
sched-finished-warnings = { $n ->
    [one] , { $n } avertissement : { $warnings }
   *[other] , { $n } avertissements : { $warnings }
}
sched-cancelled = annulé
sched-failed = échec : { $why }
sched-no-reason = aucune raison donnée
sched-no-tomorrow = la date de demain ne peut pas être calculée
sched-pause-too-long = `{ $value }` est une pause trop longue
sched-cannot-encode-state = l'état du planificateur ne peut pas être encodé : { $cause }
sched-no-home = votre dossier personnel est introuvable
sched-windows-user = sous Windows, le planificateur est un service système : lancez `service install --system` en administrateur (sans lui, l'application de bureau suit le planning tant qu'elle est ouverte)
sched-windows-not-a-service = `daemon run --service` est réservé au gestionnaire de services, qui n'a pas lancé ce processus ({ $cause }) : utilisez `daemon run` dans une console
sched-windows-failed = le gestionnaire de services a refusé : { $cause } (lancez ceci en administrateur)
sched-windows-installed = service { $name } installé (en LocalSystem, démarré au boot, relancé après une panne)
sched-windows-started = service { $name } démarré
sched-windows-not-installed = le service { $name } n'est pas installé : `service install --system`
sched-windows-removed = service { $name } supprimé (il disparaît dès qu'il est arrêté)
sched-windows-installed-as = installé : le service { $name }
sched-system-needs-root = un service système s'installe en root : lancez ceci avec sudo, ou utilisez --user
sched-wrote = { $path } écrit
sched-started-user = { $unit } activé et démarré (service utilisateur) : il démarre à chaque ouverture de session
sched-started-system = { $unit } activé et démarré (service système) : il démarre avec l'ordinateur
sched-linger = pour qu'il tourne aussi quand vous n'êtes pas connecté : loginctl enable-linger
sched-not-started = non démarré : { $command }
sched-note = remarque : { $note }
sched-removed = { $path } supprimé
sched-no-service = aucun service installé ({ $path } est absent)
sched-not-installed = non installé ({ $path } est absent) : `{ $command }`
sched-unknown = inconnu ({ $cause })
sched-installed = installé : { $path }
sched-enabled = activé : { $state }
sched-running = en marche : { $state }
sched-no-systemctl = systemctl ne peut pas être lancé ({ $cause }) : est-ce un système avec systemd ?
sched-command-failed = `{ $command }` a échoué : { $cause }
sched-launchctl-failed = `{ $command }` a échoué
sched-loaded = chargé : il démarre à chaque ouverture de session
daemon-the-daemon = le planificateur
daemon-the-scheduler = le planificateur
daemon-not-scheduled = le dépôt `{ $repo }` n'est pas planifié : { $cause }
daemon-config-unusable-kept = { $file } ne peut pas être utilisé (les réglages précédents restent en vigueur) :
    { $cause }
daemon-config-unusable = { $file } ne peut pas être utilisé (rien n'est planifié tant qu'il n'est pas corrigé) :
    { $cause }
daemon-no-config = la configuration n'a pas pu être lue
daemon-cut-short = interrompu par l'arrêt du planificateur
daemon-not-started = non démarré : { $why }
# $task : backup, housekeeping ou check
daemon-busy = le dépôt `{ $repo }` est occupé par sa tâche { $task }
daemon-stopping = le planificateur s'arrête
daemon-task-started = { $task } démarré
config-unknown-repository-short = aucun dépôt nommé `{ $name }` dans { $file }
daemon-paused-until = exécutions planifiées suspendues jusqu'à { $when }
daemon-resumed = exécutions planifiées reprises
daemon-cancelling = annulation de la tâche { $task } de `{ $repo }`
daemon-nothing-runs = rien ne tourne pour `{ $repo }`
daemon-watching = à l'écoute
daemon-skipped-recent = sautée : la dernière sauvegarde date de { $age }, moins que skip-if-recent { $limit }
daemon-already-running = un planificateur tourne déjà pour cet utilisateur (il répond sur { $socket }) : arrêtez-le d'abord, ou interrogez-le avec `daemon status`
daemon-other-user = ce planificateur appartient à un autre utilisateur
daemon-not-a-request = ce n'est pas une requête : { $cause }
daemon-not-running = aucun planificateur ne tourne (essayé : { $tried }) : démarrez-le avec `{ -cli } daemon` ou `{ -cli } service install`
daemon-hung-up = le planificateur a raccroché
daemon-answer-unreadable = la réponse du planificateur ne peut pas être lue ({ $cause }) : { $answer }
daemon-answer-odd = le planificateur a répondu de façon inattendue ({ $cause })
io-writing-scheduler-state = écriture de l'état du planificateur
io-listening-signals = écoute des signaux dans
io-creating-socket-folder = création du dossier de la socket du planificateur
io-opening-socket = ouverture de la socket du planificateur
io-restricting-socket = restriction des droits de la socket du planificateur
io-talking-to = dialogue avec
io-removing = suppression de

## La ligne de commande : affichage (cli/output.rs)
# une erreur sur la sortie d'erreur
cli-error = erreur : { $message }
cli-warning = avertissement : { $message }
cli-note = remarque : { $message }
cli-cannot-encode-json = le résultat ne peut pas être encodé en JSON : { $cause }
cli-config-problems = { $n ->
    [one] erreur : la configuration a { $n } problème :
   *[other] erreur : la configuration a { $n } problèmes :
}

## La ligne de commande : commandes sur les dépôts (cli/commands.rs)
cli-daemon-service-windows-only = `daemon run --service` lance le planificateur sous le gestionnaire de services de Windows : utilisez `daemon run` ici
cli-no-config = aucun fichier de configuration trouvé (cherché : { $variable }, { $user } et { $system }). Créez-en un avec `{ -cli } config init`, ou nommez un dépôt avec -r URI.
cli-init-created = dépôt { $id } créé à { $location } (version du format { $version }, compression { $compression })
cli-init-keep-password = Gardez le mot de passe en lieu sûr : sans lui, personne ne peut lire les sauvegardes, pas même vous.
# le résumé d'une sauvegarde : les libellés sont complétés d'espaces pour aligner les valeurs
cli-backup-files = Fichiers :    nouveaux { $new }, modifiés { $changed }, inchangés { $unmodified }
cli-backup-dirs = Dossiers :    nouveaux { $new }, modifiés { $changed }, inchangés { $unmodified }
cli-backup-added = Ajouté :      { $added } ({ $stored } stockés)
cli-backup-processed = Lu :          { $files ->
    [one] { $files } fichier
   *[other] { $files } fichiers
}, { $size } en { $duration }
cli-backup-saved = instantané { $id } enregistré dans { $location }
cli-vma-name-folder = --vma-name nomme une seule archive : les invités d'un dossier de dumps gardent leurs propres noms (qemu-100, …)
cli-backup-dry-run = essai à blanc : rien n'a été écrit
cli-backup-skipped = sautée : la dernière sauvegarde date de { $age }, moins que minimum-backup-age { $limit } (utilisez --force pour sauvegarder quand même)
cli-column-id = ID
cli-column-time = Date
cli-column-host = Hôte
cli-column-tags = Étiquettes
cli-column-files = Fichiers
cli-column-size = Taille
cli-column-paths = Chemins
cli-column-snapshot = Instantané
cli-column-snapshot-time = Date de l'instantané
cli-column-modified = Modifié
cli-column-path = Chemin
cli-column-user = Utilisateur
cli-column-created = Créée
cli-column-repository = Dépôt
cli-column-permissions = Permissions
cli-column-allows = Permet
cli-snapshot-count = { $n ->
    [one] { $n } instantané
   *[other] { $n } instantanés
}
# les types d'entrées que liste `ls` (7 caractères au plus gardent les colonnes alignées)
cli-kind-file = fichier
cli-kind-dir = dossier
cli-kind-symlink = lien
cli-kind-dev = bloc
cli-kind-chardev = car.
cli-kind-fifo = fifo
cli-kind-socket = socket
cli-find-nothing = aucun fichier ne correspond à `{ $pattern }`
cli-restore-some-failed = { $n ->
    [one] 1 élément n'a pas pu être restauré (le reste l'a été)
   *[other] { $n } éléments n'ont pas pu être restaurés (le reste l'a été)
}
cli-restore-conflicts = { $n ->
    [one] 1 élément existant a été laissé tel quel (--overwrite never)
   *[other] { $n } éléments existants ont été laissés tels quels (--overwrite never)
}
cli-restore-vm-target-not-empty = `{ $path }` n'est pas vide : restore-vm écrit dans un dossier nouveau ou vide, pour que rien ne soit remplacé
cli-restore-vm-failed = { $n ->
    [one] 1 fichier n'a pas pu être restauré
   *[other] { $n } fichiers n'ont pas pu être restaurés
} (le premier : `{ $path }` : { $reason }) : le domaine n'a pas été défini
cli-restore-vm-files = { $files ->
    [one] 1 fichier restauré
   *[other] { $files } fichiers restaurés
} ({ $size }) dans { $target }
cli-restore-vm-defined = le domaine { $name } est défini sur eux ({ $definition }) : démarrez-le avec virsh start { $name }
cli-restore-vm-not-defined = sa définition est { $definition } : définissez-le avec virsh define { $definition }
cli-restore-done = { $files ->
    [one] { $files } fichier ({ $size }) restauré
   *[other] { $files } fichiers ({ $size }) restaurés
} depuis l'instantané { $snapshot } dans { $target } ; déjà à jour : { $unchanged }
cli-restore-would = { $files ->
    [one] { $files } fichier ({ $size }) serait restauré
   *[other] { $files } fichiers ({ $size }) seraient restaurés
} depuis l'instantané { $snapshot } dans { $target } ; déjà à jour : { $unchanged }
cli-restore-not-overwritten = non écrasés (existent déjà) :
cli-restore-not-restored = non restaurés :
cli-restore-failure = { $path } : { $reason }
cli-stdout = la sortie standard
cli-diff-counts = { $added } ajoutés, { $removed } supprimés, { $changed } modifiés, { $metadata } métadonnées seules, { $types } types changés
cli-unlock-none = aucun verrou périmé dans { $location }
cli-unlock-removed = verrou périmé retiré : { $holder }
cli-stats-repository = Dépôt :                   { $location } (version du format { $version })
cli-stats-snapshots = Instantanés :             { $n }
cli-stats-restore-size = Taille à restaurer :      { $latest } (dernier instantané), { $all } (tous les instantanés)
cli-stats-stored = Taille stockée :          { $size }
cli-stats-raw = Données brutes :          { $size } en { $blobs ->
    [one] { $blobs } bloc
   *[other] { $blobs } blocs
}
cli-stats-packed = Données empaquetées :     { $size } (taux de compression { $ratio })
cli-stats-packs = Paquets :                 { $n }
cli-recent-needs-max-age = donnez --max-age (par exemple 1d), ou réglez repo.minimum-backup-age dans la configuration
cli-recent-yes = récente : dernier instantané { $id } du { $time } ({ $ago }) ; limite { $limit }
cli-recent-too-old = trop ancienne : dernier instantané { $id } du { $time } ({ $ago }) ; limite { $limit }
cli-recent-none = trop ancienne : aucun instantané
cli-too-old-message = La dernière sauvegarde ({ $time }) date de { $age } ; la limite est de { $limit }.
cli-too-old-no-backup = Il n'y a aucune sauvegarde.
cli-no-config-folder = impossible de savoir où est votre dossier de configuration : passez -c FICHIER
cli-no-data-folder = impossible de savoir où est votre dossier de données : passez --repository-path
cli-config-wrote = { $path } écrit
cli-config-repository = {"  "}dépôt :                { $location }
cli-config-password-file = {"  "}fichier mot de passe : { $path } (gardez-en une copie en lieu sûr)
cli-config-backing-up = {"  "}sauvegarde de :        { $paths }
cli-config-next = ensuite : `{ -cli } init`, puis `{ -cli } backup`
cli-config-ok = { $n ->
    [one] { $file } : OK ({ $n } dépôt : { $names })
   *[other] { $file } : OK ({ $n } dépôts : { $names })
}
cli-show-heading = # dépôt `{ $name }` ({ $file })
cli-show-heading-group = # dépôt `{ $name }` ({ $file }), groupe `{ $group }`
cli-layer-own = propre
cli-layer-default = défaut
cli-layer-group = groupe { $name }
cli-layer-inherited = hérité : { $from }
cli-config-path-none = aucun fichier de configuration (il serait créé à { $path })
cli-import-exists = { $path } existe : choisissez un autre fichier avec --output (rien n'a été écrit)
cli-import-no-keyring = les secrets ne peuvent pas aller dans un trousseau : { $why }. Utilisez --secrets files pour les garder dans des fichiers lisibles par vous seul
cli-import-secret = secret → { $to }
cli-import-dropped = non repris : { $why }
cli-import-done = { $n ->
    [one] Configuration NPBackup { $version } importée dans { $path } : { $n } dépôt, { $dropped } clé(s) non reprise(s) (listées ci-dessus). Vérifiez-la avec `{ -cli } config check`.
   *[other] Configuration NPBackup { $version } importée dans { $path } : { $n } dépôts, { $dropped } clé(s) non reprise(s) (listées ci-dessus). Vérifiez-la avec `{ -cli } config check`.
}
cli-import-dry-run = { $n ->
    [one] Essai : rien n'a été écrit. Configuration NPBackup { $version }, { $n } dépôt, { $dropped } clé(s) non reprise(s) ; elle irait dans { $path }.
   *[other] Essai : rien n'a été écrit. Configuration NPBackup { $version }, { $n } dépôts, { $dropped } clé(s) non reprise(s) ; elle irait dans { $path }.
}
cli-man-written = pages de manuel écrites dans { $path }
io-writing-to = écriture vers
io-writing-man-pages = écriture des pages de manuel dans

## La ligne de commande : maintenance (cli/maintenance.rs)
cli-bad-preset = `{ $name }` n'est pas un préréglage de conservation : utilisez 14d, 30d, 90d, gfs ou keep-all
cli-nothing-to-forget = rien à oublier : donnez des identifiants d'instantanés, --tag, des options keep (--keep-daily 7 …), --preset, ou réglez [retention] dans la configuration
# la première colonne de `forget` : ce que devient chaque instantané
cli-forget-keep = garder
cli-forget-remove = retirer
cli-forget-done = { $kept ->
    [one] { $kept } gardé
   *[other] { $kept } gardés
}, { $removed ->
    [one] { $removed } retiré
   *[other] { $removed } retirés
}
cli-forget-would = { $kept ->
    [one] { $kept } gardé
   *[other] { $kept } gardés
}, { $removed ->
    [one] { $removed } serait retiré
   *[other] { $removed } seraient retirés
}
cli-reason-named = désigné
cli-reason-tagged = étiqueté
cli-reason-not-selected = non choisi
cli-prune-mixed = { $n ->
    [one] { $n } pack de dossiers et de données mêlés (restic avant la 0.8.0) a été réécrit en packs séparés
   *[other] { $n } packs de dossiers et de données mêlés (restic avant la 0.8.0) ont été réécrits en packs séparés
}
cli-prune-missing = { $n ->
    [one] { $n } pack manquant dont rien n'avait besoin a été retiré de l'index
   *[other] { $n } packs manquants dont rien n'avait besoin ont été retirés de l'index
}
cli-prune-unfinished = { $n ->
    [one] { $n } fichier laissé par une écriture jamais terminée (un processus tué, ou un disque plein) a été supprimé ({ $size })
   *[other] { $n } fichiers laissés par des écritures jamais terminées (un processus tué, ou un disque plein) ont été supprimés ({ $size })
}
cli-prune-unfinished-would = { $n ->
    [one] supprimerait { $n } fichier laissé par une écriture jamais terminée ({ $size })
   *[other] supprimerait { $n } fichiers laissés par des écritures jamais terminées ({ $size })
}
cli-prune-done = supprimés : { $packs ->
    [one] { $packs } paquet
   *[other] { $packs } paquets
} ({ $removed }), réempaquetés : { $repacked ->
    [one] { $repacked } paquet
   *[other] { $repacked } paquets
} ({ $repacked_size }) ; inutilisés : { $unused }
cli-prune-would = seraient supprimés : { $packs ->
    [one] { $packs } paquet
   *[other] { $packs } paquets
} ({ $removed }), réempaquetés : { $repacked ->
    [one] { $repacked } paquet
   *[other] { $repacked } paquets
} ({ $repacked_size }) ; resteraient inutilisés : { $unused }
cli-check-ok = aucune erreur trouvée
cli-check-ok-data = aucune erreur trouvée (données lues et vérifiées)
cli-check-tidy = rien n'est abîmé ; pour ranger : { $repairs }
cli-repair-done = réparation terminée
cli-repair-dry-run = réparation terminée (essai à blanc)
cli-housekeeping-needs-policy = l'entretien demande une politique de conservation : réglez [retention] (par exemple preset = "gfs") pour le dépôt ou son groupe
cli-new-password-needed = donnez le nouveau mot de passe avec --new-password-file FICHIER ou $NPBACKUP_NEW_PASSWORD
cli-key-added = clé { $id } ajoutée
cli-key-removed = clé { $id } supprimée
cli-keyring-what-repository-password = mot de passe du dépôt
cli-passwd-changed = mot de passe changé : clé { $added } ajoutée et vérifiée, clé { $removed } supprimée.
cli-passwd-keyring-updated = l'entrée du trousseau '{ $entry }' contient le nouveau mot de passe
cli-passwd-keyring-not-updated = l'entrée du trousseau '{ $entry }' n'a pas pu être mise à jour ({ $cause }) : enregistrez le nouveau mot de passe avec `{ -cli } keyring set` maintenant
cli-passwd-update-source = Mettez à jour votre fichier de mot de passe ou votre trousseau maintenant.
cli-copy-password-needed = donnez le mot de passe de la cible avec --to-password-file ou $NPBACKUP_TO_PASSWORD
cli-copy-needs-target = copy demande --to NOM ou --to-repository URI
cli-copy-done = { $n ->
    [one] { $n } instantané copié ; { $already } déjà présents
   *[other] { $n } instantanés copiés ; { $already } déjà présents
}

## La ligne de commande : le trousseau (cli/keyring.rs)
cli-keyring-unusable = le trousseau du système ne peut pas être utilisé : { $why }. Rien n'a été modifié.
cli-keyring-needs-repo = les commandes keyring modifient la configuration : nommez un dépôt configuré avec --repo, pas un emplacement avec -r
cli-keyring-status = trousseau : { $store } (entrées sous le service '{ $service }')
cli-keyring-status-unavailable = trousseau : indisponible : { $why }
    {"  "}utilisez plutôt password-file, password-command ou password-env
cli-keyring-status-repo = { $name } : mot de passe venant de { $source }
cli-terminal-unreadable = le terminal ne peut pas être lu : { $cause }
cli-stdin-unreadable = l'entrée standard ne peut pas être lue : { $cause }
cli-no-secret = aucun secret n'a été donné
# invites (la réponse se tape après)
cli-ask-repo-password = Mot de passe du dépôt { $repo } :{" "}
cli-ask-option = Valeur de { $option } pour le dépôt { $repo } :{" "}
cli-keyring-nothing-stored = { $cause } Rien n'a été enregistré et la configuration est inchangée.
cli-keyring-not-tried = le mot de passe n'a pas pu être essayé sur le dépôt ({ $cause }) ; il a été enregistré tel quel
cli-keyring-not-kept = le trousseau n'a pas gardé l'entrée '{ $entry }' ; la configuration est inchangée
cli-keyring-set = le mot de passe du dépôt { $repo } est dans le trousseau sous '{ $entry }'
cli-keyring-set-verified = le mot de passe du dépôt { $repo } est dans le trousseau sous '{ $entry }' (il ouvre le dépôt)
cli-keyring-config-now = { $file } indique maintenant password-keyring = "{ $entry }" (la version précédente est gardée dans { $backup })
cli-keyring-file-unused = le fichier de mot de passe { $path } ne sert plus : supprimez-le une fois le mot de passe copié en lieu sûr
cli-keyring-option-set = { $option } du dépôt { $repo } est dans le trousseau sous '{ $entry }' ; { $file } indique maintenant { $option } = "{ $value }"
cli-keyring-not-in-keyring = le dépôt { $repo } ne prend pas son mot de passe dans le trousseau (il utilise { $source })
cli-file-exists = { $path } existe déjà ; choisissez un nouveau fichier (rien n'a été modifié)
cli-keyring-unset = le mot de passe du dépôt { $repo } est maintenant dans { $path } et l'entrée du trousseau '{ $entry }' est supprimée

## La ligne de commande : permissions (cli/permissions.rs)
cli-ask-manager-password = Mot de passe d'administration :{" "}
cli-ask-new-manager-password = Nouveau mot de passe d'administration :{" "}
cli-ask-same-again = Le même, à nouveau :{" "}
cli-wrong-manager-password = mauvais mot de passe d'administration : rien n'a été modifié
cli-manager-password-set = mot de passe d'administration : réglé
cli-manager-password-not-set = mot de passe d'administration : non réglé
cli-unknown-group = aucun groupe nommé `{ $group }` dans { $file } (connus : { $known })
cli-no-manager-password = aucun mot de passe d'administration n'est réglé : quiconque peut modifier { $file } peut donc revenir en arrière ; réglez-en un avec `{ -cli } permissions manager-password`
cli-permissions-set = { $table } a maintenant les permissions "{ $level }" ({ $allows }) ; dépôts qui les ont : { $repos }
cli-passwords-differ = les deux mots de passe diffèrent : rien n'a été modifié
cli-manager-password-removed = le mot de passe d'administration est supprimé
cli-manager-password-stored = le mot de passe d'administration est réglé (son hachage argon2 est dans { $file })

## La ligne de commande : le planificateur (cli/daemon.rs)
cli-daemon-no-config = aucun fichier de configuration trouvé : créez-en un avec `{ -cli } config init`, ou nommez-en un avec -c
cli-daemon-no-state-folder = aucun dossier n'est trouvé pour l'état du planificateur
cli-daemon-runtime = l'environnement d'exécution du planificateur
cli-daemon-refused = le planificateur a refusé
cli-daemon-said-nothing = le planificateur n'a rien répondu
cli-daemon-running = Planificateur en marche (pid { $pid }), configuration { $file }
cli-daemon-paused = Suspendu jusqu'à { $when } (les exécutions demandées à la main se font quand même)
cli-daemon-problem = Problème : { $problem }
cli-daemon-nothing-scheduled = Rien n'est planifié : réglez schedule.backup (par exemple "daily at 02:30") dans la configuration.
cli-daemon-running-now = en cours
cli-daemon-due-now = à faire maintenant
cli-daemon-next = prochaine { $when }
cli-daemon-not-scheduled = non planifiée
cli-daemon-last = ; dernière { $when } : { $result }
cli-daemon-never-ran = ; jamais exécutée
cli-daemon-started-scheduled = démarrée (planifiée)
cli-daemon-started-asked = démarrée (demandée)
cli-daemon-event-paused = suspendu jusqu'à { $when }
cli-daemon-event-resumed = repris
cli-daemon-event-reloaded = configuration lue : { $n } tâche(s) planifiée(s)
cli-daemon-event-problem = problème : { $problem }
io-starting = démarrage de

## La ligne de commande : supervision (cli/monitoring.rs)
cli-cannot-notify = la notification est impossible : { $cause }
cli-notice-not-recorded = la notification ne peut pas être notée dans { $path } : { $cause }
cli-test-email-needs-config = send-test-email demande un dépôt configuré (ses réglages monitoring.email)
cli-test-email-sent = courriel de test envoyé à { $to }
io-writing-metrics = écriture des métriques

## La ligne de commande : plusieurs dépôts, tâches (cli/multi.rs, cli/jobrun.rs)
cli-empty-group = aucun dépôt n'appartient au groupe `{ $group }`
cli-program-not-found = ce programme est introuvable : { $cause }
cli-multi-heading = == dépôt { $name } ==
cli-multi-no-result = aucun résultat
cli-multi-cannot-run = la commande ne peut pas être lancée pour `{ $name }` : { $cause }
cli-job-failed-silently = la tâche a échoué sans dire pourquoi
cli-dump-no-events = dump écrit le fichier sur la sortie standard : --json-events ne peut pas la partager
cli-job-no-result = le travail n'a donné aucun résultat
cli-bad-snapshot-time = un instantané a une date que cette version ne sait pas lire : { $cause }
cli-unexpected-job-result = résultat de tâche inattendu : { $cause }
# à côté de la barre de progression : le temps restant
cli-eta = reste { $left }
io-starting-job-runtime = démarrage de l'environnement d'exécution de la tâche

## L'interface web (web/, cli/web.rs)
config-bad-role = `{ $value }` n'est pas un rôle : utilisez admin, operator ou viewer
config-web-user-not-argon2 = l'utilisateur web `{ $user }` n'a pas de hachage argon2 : réglez de nouveau son mot de passe avec `{ -cli } web user add { $user } --role …`
web-password-too-short = un mot de passe web doit compter au moins { $min } caractères
web-password-unhashable = le mot de passe n'a pas pu être haché : { $cause }
web-no-randomness = le système n'a pas donné de nombres aléatoires : { $cause }
web-role-too-low = { $user } est { $role } : il faut { $needed }
web-bad-token = ce jeton est inconnu (il a peut-être été supprimé)
web-log-in-first = connectez-vous d'abord
web-session-ended = la session est terminée : connectez-vous de nouveau
web-bad-csrf = la requête ne portait pas le jeton CSRF de cette session : rechargez la page et réessayez
web-config-not-private = { $file } contient les comptes de l'interface web et donne accès à chaque fichier sauvegardé : seul son propriétaire doit pouvoir le lire (chmod 600 { $file })
web-no-such-repository = il n'y a pas de dépôt `{ $name }`
web-no-such-job = il n'y a pas de tâche `{ $job }` (ce serveur oublie ses tâches quand il redémarre)
web-insecure-http = HTTP en clair sur { $address } : mots de passe et fichiers traversent le réseau sans chiffrement
web-refuses-plain-http = { $address } est joignable depuis d'autres machines : servez-la en TLS, ou ajoutez --insecure-http pour servir quand même en HTTP en clair
web-tls-needs-both = [web] tls-cert et tls-key vont ensemble : indiquez les deux (HTTPS) ou aucun (HTTP simple, sur cette machine seulement)
web-tls-bad-cert = { $file } n’est pas une chaîne de certificats PEM utilisable : { $cause }
web-tls-no-pem-certificate = il ne contient aucun bloc « BEGIN CERTIFICATE »
web-tls-bad-key = { $file } n’est pas une clé privée PEM utilisable : { $cause }
web-tls-key-mismatch = le certificat { $cert } et la clé { $key } ne peuvent pas servir ensemble : { $cause }
web-bad-path = `{ $path }` n’est pas un chemin dans un instantané : il ne peut contenir ni `.`, ni `..`, ni NUL
web-bad-snapshot-id = `{ $id }` n’est pas un identifiant d’instantané : donnez son identifiant hexadécimal (ou ses premiers caractères), ou `latest`
web-browse-timed-out = le dépôt a mis trop de temps à répondre : réessayez, ou consultez le journal du serveur
web-bad-format = `{ $format }` n’est pas un format de téléchargement : utilisez file, zip, tar ou tar.gz
web-downloads-linux-only = les téléchargements ne sont servis que sous Linux, pour l’instant
web-download-started = { $by } télécharge { $path } depuis { $repo }
web-previous-page = ‹ Plus récents
web-next-page = Plus anciens ›
web-page-of = page { $page } sur { $pages }
web-snapshots-of = Instantanés de { $repo }
web-snapshot-title = Instantané { $snapshot } de { $repo }
web-column-time = Date
web-column-id = ID
web-column-host = Machine
web-column-paths = Chemins
web-column-tags = Étiquettes
web-column-files = Fichiers
web-column-size = Taille
web-column-name = Nom
web-column-modified = Modifié
web-empty-folder = Ce dossier est vide.
web-download-folder = Télécharger ce dossier :
web-browse = Parcourir les instantanés
web-no-such-scope = il n’y a pas de réglages `{ $scope }` : utilisez machine, group:NOM ou repo:NOM
web-inherited-value = (hérité : { $value })
web-settings-changed = { $user } a modifié les réglages de { $scope } dans { $file }
web-settings-read-only = Seul un administrateur peut modifier ces réglages.
web-restore-review = Examen d’une restauration
web-restore-into = Vers : { $target }
web-compare-from = comparer depuis cet instantané
web-compare-to = comparer avec cet instantané
web-compare-button = Comparer
web-compare-hint = Choisissez un instantané avec le bouton de gauche de la première colonne (depuis) et un autre avec celui de droite (vers), puis Comparer.
web-compare-title = Changements de { $from } à { $to }
web-size-before = Avant
web-size-after = Après
web-maintenance = Maintenance
web-restore-tick = Cochez les fichiers et dossiers à restaurer ; si rien n’est coché, le dossier affiché est restauré.
web-history = historique
web-find-in = Rechercher dans { $repo }
web-download = télécharger
web-changed = modifié
web-unchanged = inchangé
web-restore-target-not-absolute = `{ $path }` n’est pas un chemin complet : restaurez dans un dossier donné depuis la racine (comme /home/ann/restauré)
web-bad-overwrite = `{ $value }` n’est pas un choix pour les fichiers existants : utilisez if-changed, never ou always
web-not-a-review = la tâche `{ $job }` n’est pas un examen de restauration réussi : examinez la restauration à nouveau
web-no-such-operation = il n’y a pas d’opération `{ $operation }` : utilisez check, housekeeping, prune ou unlock
web-no-scheduler = Aucun planificateur n’exécute cette configuration : lancez-le avec `{ -cli } daemon run` (ou installez-le comme service) pour sauvegarder selon le planning.
web-schedule-changed = { $by } a réglé la pause du planning à { $hours } heures (0 : reprise)
web-schedule = Planning
web-paused-until = Les exécutions planifiées sont en pause jusqu’à { $when }.
web-schedule-running = Les exécutions planifiées sont actives.
web-resume = Reprendre
web-pause = Mettre en pause
web-pause-hours = indiquez la pause en heures, au-dessus de 0 (ou reprenez)
web-column-when = Quand
web-column-next = Prochaine exécution
web-next-backup = prochaine sauvegarde { $when }
export-the-download = le téléchargement
export-not-a-file = { $path } est un dossier : téléchargez-le en zip, tar ou tar.gz
export-vma-not-a-folder = `{ $path }` n'est pas un dossier : une archive VMA se fait d'un dossier écrit par backup --vma (/vzdump/NOM)
export-vma-no-disk = `{ $path }` ne contient aucune image de disque (NOM.raw) : ce n'est pas un dossier écrit par backup --vma
export-vma-too-many = `{ $path }` contient plus de 255 images de disque, plus qu'une archive VMA n'en peut tenir
export-vma-config-too-big = `{ $path }` dépasse 64 Kio, plus qu'une archive VMA ne tient pour un fichier de configuration
export-size-differs = { $path } a donné { $read } octets là où l’instantané en indique { $expected } : le dépôt est peut-être endommagé (lancez une vérification)
web-no-accounts = aucun utilisateur ni jeton web n'existe encore : ajoutez-en un avec `{ -cli } web user add NOM --role admin`
io-listening = écoute sur
io-serving = service sur
web-unreadable-result = la tâche a rendu un résultat que cette version ne sait pas lire
web-job-failed = la tâche a échoué sans dire pourquoi
web-job-started = { $by } a lancé { $kind } { $job } sur { $repo }
web-dashboard = Tableau de bord
web-jobs = Tâches
web-log-in = Connexion
web-log-out = Déconnexion
web-user = Utilisateur
web-password = Mot de passe
web-too-many-attempts = Trop de tentatives : attendez une minute avant de réessayer.
web-bad-login = Utilisateur ou mot de passe incorrect.
web-login-throttled = connexion de { $user } depuis { $from } refusée : trop de tentatives
web-login-failed = échec de connexion de { $user } depuis { $from }
web-logged-in = { $user } connecté depuis { $from }
web-no-repositories = Aucun dépôt n'est configuré.
web-job-running = La tâche { $job } est en cours
web-back-up-now = Sauvegarder maintenant
web-snapshot-count = { $count ->
    [one] { $count } instantané
   *[other] { $count } instantanés
}
web-column-job = Tâche
web-column-repository = Dépôt
web-column-kind = Quoi
web-column-by = Par
web-column-started = Début
web-column-state = État
web-job-state-running = en cours
web-job-state-succeeded = réussie
web-job-state-cancelled = annulée
web-job-state-failed = échouée
web-job-title = { $kind } de { $repo }
web-cancel = Annuler
web-job-took = Terminé en { $seconds }.
cli-web-bad-address = `{ $address }` n'est pas une adresse : écrivez-la IP:PORT, par exemple 127.0.0.1:8642
cli-web-runtime = l'environnement d'exécution du serveur web
cli-web-serving = interface web servie sur { $url } (Ctrl-C l'arrête)
cli-web-bad-name = `{ $name }` n'est pas un nom utilisable : utilisez lettres, chiffres, '-', '_', '.' et '@'
cli-web-ask-password = Mot de passe de { $user } :{" "}
cli-web-ask-password-again = Le même mot de passe encore :{" "}
cli-web-passwords-differ = les deux mots de passe diffèrent : rien n'a été changé
cli-web-user-saved = utilisateur web { $user } enregistré ({ $role })
cli-web-token-exists = un jeton nommé `{ $name }` existe : supprimez-le d'abord, ou choisissez un autre nom
cli-web-token-created = jeton { $name } créé ({ $role }) ; il est affiché une fois, ci-dessous ; seul son hachage est gardé
cli-web-no-such-account = il n'y a pas de `{ $name }` à supprimer
cli-web-removed = { $name } supprimé
cli-web-token-line = jeton { $name }

## La flotte : inscription, configuration fournie, connexions
job-fleet-report-unsaved = le rapport pour le serveur de flotte n’a pas pu être enregistré dans { $path } : { $cause }
fleet-http-client = impossible de préparer HTTPS pour le serveur de flotte : { $cause }
fleet-bad-url = « { $url } » n’est pas l’adresse d’un serveur de flotte : { $cause }
fleet-url-needs-http = elle doit commencer par https:// (ou http:// sur cette machine)
fleet-state-damaged = l’inscription à la flotte dans { $path } est endommagée ({ $cause }) : lancez `fleet leave` puis inscrivez-vous à nouveau
fleet-identity-damaged = les clés de flotte de cette machine dans { $path } sont endommagées ({ $cause }) : lancez `fleet leave` puis inscrivez-vous à nouveau
fleet-already-enrolled = cette machine est déjà inscrite (machine { $machine } de { $server }) : lancez d’abord `fleet leave` pour vous inscrire à nouveau
fleet-no-server = aucune adresse de serveur de flotte n’a été donnée
fleet-unreachable = aucun serveur de flotte n’a répondu ({ $attempts }) ; la dernière bonne configuration reste en service et les rapports attendent la prochaine connexion
fleet-identity-label = identité de flotte (clés privées)
fleet-secret-label = secret de flotte { $name }
fleet-secret-bad-name = le serveur a envoyé un secret nommé « { $name } », qui ne peut pas nommer un secret
fleet-secret-not-text = le secret « { $name } » reçu du serveur n’est pas du texte
fleet-secret-unopened = le secret « { $name } » reçu du serveur n’a pas pu être ouvert : { $cause }
fleet-not-a-fleet-server = le serveur a répondu { $status } sans dire pourquoi : cette adresse est-elle un serveur de flotte ?
fleet-refused = { $server } a refusé : { $error }
fleet-bad-answer = { $server } a répondu quelque chose qui n’est pas le protocole de flotte : { $cause }
fleet-no-state-dir = cette plateforme n’a pas de dossier pour l’inscription à la flotte (pas de dossier personnel ?)
fleet-not-enrolled = cette machine n’est inscrite à aucun serveur de flotte (`fleet enrol https://SERVEUR JETON`)
fleet-never = jamais
fleet-no-config-yet = le serveur n’a pas encore de configuration pour le groupe de cette machine
fleet-config-up-to-date = la configuration est à jour (version { $version })
fleet-config-applied = configuration version { $version } appliquée (la précédente est gardée dans last-good.toml)
fleet-config-refused = la configuration version { $version } a été refusée ici et n’est pas appliquée : { $error }
fleet-no-config-path = aucun fichier de configuration à fournir : donnez -c FICHIER
fleet-enrolled = inscrite comme { $machine } dans le groupe « { $group } » sur { $server }
fleet-status-machine = machine { $machine }, groupe « { $group } »
fleet-status-servers = serveurs (dans l’ordre) : { $servers }
fleet-status-config = configuration version { $version } dans { $file }, synchronisée { $when }
fleet-status-checkin = dernière connexion { $when } (toutes les { $minutes } min) ; { $n ->
    [one] 1 rapport en attente
   *[other] { $n } rapports en attente
}
fleet-status-error = dernier problème : { $error }
fleet-checked-in = connexion faite à { $server } ; { $n ->
    [0] rien à lancer
    [one] 1 commande lancée
   *[other] { $n } commandes lancées
}
fleet-left = cette machine a quitté { $server } (le serveur la liste jusqu’à ce qu’un administrateur la révoque)

## upgrade
upgrade-no-server = aucun serveur de mises à jour : indiquez-en un dans [upgrade] servers de { $path }
upgrade-no-password = le compte de mise à jour « { $user } » n’a pas de mot de passe : définissez [upgrade] password-env ou password-file
upgrade-no-keys = cette version ne fait confiance à aucune clé de publication : ajoutez-en une dans [upgrade] trusted-keys (`npbackup-server release key show` l’affiche)
upgrade-refused = { $server } a refusé le compte de mise à jour de cette machine ({ $cause })
upgrade-unreachable = aucun serveur de mises à jour n’a répondu : { $tried }
upgrade-bad-version = { $server } a proposé « { $version } », qui n’est pas une version
upgrade-not-newer = version { $version } refusée : elle n’est pas plus récente que celle-ci ({ $current })
upgrade-older-than-seen = version { $version } refusée : cette machine a déjà vu la version { $seen } signée, { $version } serait un retour en arrière
upgrade-refused-file = fichier de { $server } refusé : { $cause }
upgrade-packaged = les programmes de { $dir } appartiennent au paquet { $package } : mettez-le à jour avec le gestionnaire de paquets (apt)
upgrade-no-rights = impossible de remplacer les programmes de { $dir } : lancez la mise à jour avec l’utilisateur qui les a installés (root pour une installation système)
upgrade-rolled-back = la version { $version } a été installée mais a échoué à sa vérification : les programmes précédents sont remis en place : { $cause }
upgrade-bad-archive = la publication { $file } n’est pas une archive de programmes lisible : { $cause }
upgrade-up-to-date = { $version } est la version la plus récente pour cette machine ({ $server })
upgrade-available = la version { $version } est disponible sur { $server } ({ $size }) ; `npbackup-cli upgrade` l’installe
upgrade-installed = mis à jour en version { $version } : { $files }
upgrade-disabled = les mises à jour sont désactivées ici (NPBACKUP_NO_UPGRADE est défini)
cli-export-exists = `{ $path }` existe déjà : donnez à export un nouveau nom de fichier (rien n'est écrasé)
cli-mounted = { $n ->
    [one] { $n } instantané montré
   *[other] { $n } instantanés montrés
} en lecture seule dans { $path } (par identifiant sous ids/, par date sous snapshots/, par machine sous hosts/, par étiquette sous tags/). Ctrl-C ou `umount { $path }` y met fin.
cli-unmounted = { $path } démonté
cli-exported = { $files ->
    [one] { $files } fichier ({ $size }) écrit dans { $path }
   *[other] { $files } fichiers ({ $size }) écrits dans { $path }
}
engine-libvirt-other-job = { $domain } a une tâche de sauvegarde en cours qui n'est pas la nôtre (virsh domjobinfo { $domain }) : rien n'a été modifié ; relancez la sauvegarde quand elle sera terminée
engine-libvirt-leftover-job = { $domain } : la tâche de sauvegarde laissée en cours par une sauvegarde interrompue a été arrêtée
engine-libvirt-nbd = { $domain } : impossible de lire le disque { $target } depuis la tâche de sauvegarde de libvirt : { $cause }
engine-libvirt-no-qemu-img = impossible de lancer qemu-img ({ $cause }) : installez-le (Debian : apt install qemu-utils)
engine-libvirt-no-backup-job = { $domain } : libvirt ne peut pas lancer de tâche de sauvegarde pour ce domaine ; ses disques sont donc placés sur des surcouches pendant leur lecture (et chaque sauvegarde les lit en entier) : { $cause }
engine-libvirt-image-exists = `{ $path }` existe déjà : le disque restauré est resté à côté, tel que l'invité le voyait (brut)
engine-libvirt-waiting = { $domain } : une autre sauvegarde de ce domaine est en cours : attente de sa fin
engine-vzdump-guest-left-out = { $guest } n'est pas dans cet instantané (les autres invités y sont) : { $cause }
engine-libvirt-read-failed = un disque n'a pas pu être lu ({ $cause }) : aucun instantané n'a été gardé, pour qu'aucun ne manque d'un disque ; relancez la sauvegarde
engine-libvirt-busy = { $domain } : une autre sauvegarde de ce domaine est en cours (processus { $pid }) : rien n'a été modifié ; relancez celle-ci quand elle sera terminée
engine-libvirt-still-frozen = { $domain } : ses systèmes de fichiers n'ont pas pu être dégelés après le début de la sauvegarde ({ $cause }) : dégelez-les maintenant avec `virsh domfsthaw { $domain }`
